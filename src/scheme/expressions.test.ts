import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression, celTypeOf, MAX_NUMERIC_TEXT_LENGTH, numericText } from './expressions.js';
import { isWaymarkError } from '../errors/index.js';

const noTypes = new Map<string, string>();
const vacationTypes = new Map([
  ['Sum', 'Int32'],
  ['Comment', 'String'],
  ['Price', 'Decimal'],
  ['Approved', 'Boolean'],
]);

function evaluate(source: string, parameters: Record<string, unknown>, types = noTypes): unknown {
  return compileExpression(source, types).evaluate(parameters);
}

function assertInvalid(source: string, types: ReadonlyMap<string, string>, pattern: RegExp): void {
  assert.throws(
    () => compileExpression(source, types),
    (error: unknown) => {
      assert.ok(isWaymarkError(error, 'WM_EXPRESSION_INVALID'), String(error));
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('compileExpression: the fixtures\' expressions', () => {
  it('@TestParameter<10 compares a SetParameter text "5" numerically (undeclared → dyn)', () => {
    const expression = compileExpression('@TestParameter<10', noTypes);
    assert.deepEqual(expression.parameterNames, ['TestParameter']);
    assert.equal(expression.evaluate({ TestParameter: '5' }), true);
    assert.equal(expression.evaluate({ TestParameter: '10' }), false);
    assert.equal(expression.evaluate({ TestParameter: 9 }), true);
  });

  it('@TestParameter>=10 and @TestParameter > 20', () => {
    assert.equal(evaluate('@TestParameter>=10', { TestParameter: 10 }), true);
    assert.equal(evaluate('@TestParameter > 20', { TestParameter: '25' }), true);
    assert.equal(evaluate('@TestParameter > 20', { TestParameter: '20' }), false);
  });

  it('true', () => {
    assert.equal(evaluate('true', {}), true);
  });

  it('@Sum > 100 for an Int32 Sum', () => {
    const expression = compileExpression('@Sum > 100', vacationTypes);
    assert.equal(expression.evaluate({ Sum: 150 }), true);
    assert.equal(expression.evaluate({ Sum: 100 }), false);
  });

  it('@Sum > 100 && @Comment != ""', () => {
    const expression = compileExpression('@Sum > 100 && @Comment != ""', vacationTypes);
    assert.equal(expression.evaluate({ Sum: 150, Comment: 'ok' }), true);
    assert.equal(expression.evaluate({ Sum: 150, Comment: '' }), false);
    // A missing Temporary parameter is null, and null is not "".
    assert.equal(expression.evaluate({ Sum: 150 }), true);
  });
});

describe('compileExpression: operators and types', () => {
  it('|| and ! and string comparison', () => {
    assert.equal(evaluate('@A == "x" || @B == "y"', { A: 'no', B: 'y' }), true);
    assert.equal(evaluate('!(@A == "x")', { A: 'x' }), false);
    assert.equal(evaluate('@Name < "b"', { Name: 'alice' }), true);
  });

  it('a Decimal parameter 150.5 compares with an int literal', () => {
    assert.equal(evaluate('@Price > 100', { Price: 150.5 }, vacationTypes), true);
    assert.equal(evaluate('@Price == 100', { Price: 100 }, vacationTypes), true);
    assert.equal(evaluate('@Price * 2', { Price: 1.25 }, vacationTypes), 2.5);
  });

  it('int and double mix in arithmetic and equality', () => {
    assert.equal(evaluate('@Sum + 0.5', { Sum: 2 }, vacationTypes), 2.5);
    assert.equal(evaluate('@Sum == 2.0', { Sum: 2 }, vacationTypes), true);
    assert.equal(evaluate('@X + 1', { X: 2 }), 3);
  });

  it('converts the result back to plain numbers', () => {
    const result = evaluate('@Sum * 2', { Sum: 21 }, vacationTypes);
    assert.equal(result, 42);
    assert.equal(typeof result, 'number');
    assert.deepEqual(evaluate('[@Sum, 2]', { Sum: 1 }, vacationTypes), [1, 2]);
  });

  it('a text holding a number equals that number; other texts do not', () => {
    assert.equal(evaluate('@X == 25', { X: '25' }), true);
    assert.equal(evaluate('@X == 25', { X: 'twenty' }), false);
    assert.equal(evaluate('@X == "25"', { X: '25' }), true);
    assert.equal(evaluate('20 < @X', { X: '25.5' }), true);
  });

  it('a non-numeric text compared with a number fails with WM_EXPRESSION_FAILED', () => {
    assert.throws(
      () => evaluate('@X > 20', { X: 'abc' }),
      (error: unknown) =>
        isWaymarkError(error, 'WM_EXPRESSION_FAILED') &&
        /Expression "@X > 20" failed: .*"abc" is not a number/.test(error.message),
    );
  });

  it('missing parameters are null: == null holds, ordering fails naming the parameter', () => {
    assert.equal(evaluate('@Missing == null', {}), true);
    assert.throws(
      () => evaluate('@Missing < 10', {}),
      (error: unknown) =>
        isWaymarkError(error, 'WM_EXPRESSION_FAILED') &&
        error.message.includes('Expression "@Missing < 10" failed') &&
        error.message.includes('without a value: @Missing'),
    );
  });

  it('parameter names that are CEL reserved words or functions work', () => {
    const types = new Map([['in', 'Int32'], ['int', 'String']]);
    assert.equal(evaluate('@in > 1 && @int == "x" && @size == 3 && @null == null', { in: 2, int: 'x', size: 3 }, types), true);
  });

  it('does not rewrite @ inside string literals', () => {
    const expression = compileExpression('@Mail == "a@Domain"', noTypes);
    assert.deepEqual(expression.parameterNames, ['Mail']);
    assert.equal(expression.evaluate({ Mail: 'a@Domain' }), true);
  });

  it('maps .NET types to CEL types', () => {
    assert.equal(celTypeOf('Int64'), 'int');
    assert.equal(celTypeOf('Byte'), 'int');
    // Type names are looked up in a Map: Object.prototype's members are no types.
    assert.equal(celTypeOf('constructor'), 'dyn');
    assert.equal(celTypeOf('__proto__'), 'dyn');
    assert.equal(celTypeOf('Single'), 'double');
    assert.equal(celTypeOf('System.Boolean'), 'bool');
    assert.equal(celTypeOf('Guid'), 'dyn');
    assert.equal(celTypeOf(undefined), 'dyn');
  });
});

describe('compileExpression: refused at compile time', () => {
  it('a type error: @Sum > "x" for an Int32 Sum, shown with @Sum', () => {
    assertInvalid('@Sum > "x"', vacationTypes, /^Expression "@Sum > "x"" is not valid: no such overload: int > string \(at column 1\)$/);
  });

  it('a String compared with a number when declared String', () => {
    assertInvalid('@Comment > 5', vacationTypes, /no such overload: string > int/);
  });

  it('a syntax error', () => {
    assertInvalid('@Sum > > 1', vacationTypes, /is not valid: Unexpected token/);
  });

  it('matches() with a clear reason', () => {
    assertInvalid('@Comment.matches("(a+)+$")', vacationTypes, /matches\(\) is refused: a regular expression/);
    assertInvalid('matches(@Comment, "a")', vacationTypes, /matches\(\) is refused/);
  });

  it('too long', () => {
    assertInvalid('@A == 1 || '.repeat(500) + 'true', noTypes, /at most 4096 are accepted/);
  });

  it('too deep', () => {
    assertInvalid('('.repeat(100) + '1' + ')'.repeat(100), noTypes, /is not valid/);
  });

  it('empty', () => {
    assertInvalid('  ', noTypes, /the expression is empty/);
  });
});

describe('numericText: texts that hold numbers, read in one pass (issue #17, item 4)', () => {
  it('reads what the vendor\'s numbers look like, and nothing else', () => {
    const numbers: [string, number][] = [['25', 25], [' -1.5e3 ', -1500], ['.5', 0.5], ['7.', 7], ['+0.25', 0.25], ['1E+2', 100], ['3e-1', 0.3]];
    for (const [text, value] of numbers) assert.equal(numericText(text), value, text);
    for (const text of ['', ' ', '.', '-', '+.', 'e5', '1e', '1e+', '1.2.3', '0x1F', 'Infinity', '1_000', '12a', 'twenty', '--1']) {
      assert.equal(numericText(text), undefined, text);
    }
  });

  it('a text up to the bound is read; a longer one is not a number, whatever it holds', () => {
    const longest = '1'.repeat(MAX_NUMERIC_TEXT_LENGTH);
    assert.equal(numericText(longest), Number(longest));
    assert.equal(numericText(longest + '1'), undefined);
  });

  // The old regular expression backtracked quadratically on digits followed by anything else:
  // 32,000 digits took ~2 s, 1 MiB would take about half an hour. The timeout only turns that
  // hang into a failure; the bound above is what makes the work small.
  it('a 1 MiB run of digits ending in a letter is answered at once, as text that is not a number', { timeout: 30_000 }, () => {
    const hostile = '1'.repeat(1024 * 1024) + 'x';
    assert.equal(numericText(hostile), undefined);
    assert.equal(numericText('1'.repeat(1024 * 1024)), undefined);
  });

  it('in an expression, a long digit text compares as text that is not a number, and the message shows only its start', () => {
    const long = '1'.repeat(90_000) + 'x';
    assert.equal(evaluate('@X == 5', { X: long }), false);
    assert.throws(
      () => evaluate('@X > 5', { X: long }),
      (error: unknown) =>
        isWaymarkError(error, 'WM_EXPRESSION_FAILED') &&
        error.message.includes(`"${'1'.repeat(40)}…" (90001 characters) is not a number`) &&
        error.message.length < 300,
    );
  });
});

