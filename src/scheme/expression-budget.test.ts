import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWaymarkError } from '../errors/index.js';
import { MAX_COMPREHENSION_NESTING, MAX_EXPRESSION_COST, valueSize } from './expression-budget.js';
import { compileExpression } from './expressions.js';

const noTypes = new Map<string, string>();

function listLiteral(length: number): string {
  return `[${Array.from({ length }, (_, index) => index).join(',')}]`;
}

function refusedAtImport(source: string, reason: RegExp): void {
  assert.throws(
    () => compileExpression(source, noTypes),
    (error: unknown) => isWaymarkError(error, 'WM_EXPRESSION_INVALID') && reason.test(error.message),
  );
}

function overBudget(parameter: string): (error: unknown) => boolean {
  return (error) =>
    isWaymarkError(error, 'WM_EXPRESSION_FAILED') &&
    error.message.includes(`the value of @${parameter} is too large for this expression's evaluation budget (estimated work: `);
}

describe('the expression evaluation budget: refused when the scheme is saved', () => {
  it('the audit\'s nested comprehensions over literal lists (216³ ≈ 10⁷ elements) are refused, naming the budget', () => {
    const list = listLiteral(216);
    refusedAtImport(
      `${list}.map(x, ${list}.map(y, ${list}.map(z, x + y + z))).size() > 0`,
      new RegExp(`its estimated work is [\\d,]+ steps even with the smallest parameter values, more than the budget of ${MAX_EXPRESSION_COST.toLocaleString('en-US')}$`),
    );
  });

  it('comprehensions nested more than the maximum are refused', () => {
    const four = '@L.all(a, @L.all(b, @L.all(c, @L.all(d, a == d))))';
    refusedAtImport(four, new RegExp(`comprehensions are nested 4 deep; at most ${MAX_COMPREHENSION_NESTING} are accepted`));
  });

  it('values doubled step by step — by cel.bind or by a chain of map — are refused', () => {
    let doubling = 'd.size() > 0';
    for (let level = 14; level > 0; level -= 1) doubling = `cel.bind(d, d + d, ${doubling})`;
    refusedAtImport(`cel.bind(d, [1, 2, 3, 4], ${doubling})`, /more than the budget/);
    refusedAtImport(`["ab"]${'.map(s, s + s)'.repeat(24)}.size() > 0`, /more than the budget/);
  });
});

describe('the expression evaluation budget: parameter values too large fail the evaluation before it runs', () => {
  const cubic = '@L.map(x, @L.map(y, @L.map(z, x + y + z))).size() > 0';

  it('small values evaluate as before', () => {
    assert.equal(compileExpression(cubic, noTypes).evaluate({ L: [1, 2, 3] }), true);
  });

  it('a list of 100,000 items fails at once with WM_EXPRESSION_FAILED naming the parameter (it would build 10¹⁵ elements)', () => {
    const expression = compileExpression(cubic, noTypes);
    const items = Array.from({ length: 100_000 }, (_, index) => index);
    assert.throws(() => expression.evaluate({ L: items }), overBudget('L'));
  });

  it('a text too long for `+` chains fails the same way; within the bound it evaluates', () => {
    const tripled = compileExpression('size(@S + @S + @S) > 0', noTypes);
    assert.equal(tripled.evaluate({ S: 'a'.repeat(1000) }), true);
    assert.throws(() => tripled.evaluate({ S: 'a'.repeat(MAX_EXPRESSION_COST) }), overBudget('S'));
  });
});

describe('the expression evaluation budget: ordinary expressions are unaffected', () => {
  it('the fixtures\' and the docs\' expressions compile and evaluate with ordinary values', () => {
    const types = new Map([['Sum', 'Int32'], ['Comment', 'String'], ['Price', 'Decimal']]);
    const cases: [string, Record<string, unknown>, unknown][] = [
      ['@TestParameter<10', { TestParameter: '5' }, true],
      ['@Sum > 100 && @Comment != ""', { Sum: 150, Comment: 'ok' }, true],
      ['@Price == 100', { Price: 100 }, true],
      ['@Approvers.exists(a, a == @IdentityId)', { Approvers: ['ann', 'bob'], IdentityId: 'bob' }, true],
      ['@Items.filter(i, i.amount > 100).map(i, i.amount).size() == 2', { Items: [{ amount: 150 }, { amount: 50 }, { amount: 300 }] }, true],
      ['@Tags.all(t, t in ["a", "b", "c"])', { Tags: ['a', 'c'] }, true],
    ];
    for (const [source, parameters, expected] of cases) {
      assert.equal(compileExpression(source, types).evaluate(parameters), expected, source);
    }
  });

  it('a list of a thousand approvers is well within the budget of a one-level comprehension', () => {
    const approvers = Array.from({ length: 1000 }, (_, index) => `user-${index}@example.com`);
    const expression = compileExpression('@Approvers.exists(a, a == @IdentityId)', noTypes);
    assert.equal(expression.evaluate({ Approvers: approvers, IdentityId: 'user-999@example.com' }), true);
  });
});

describe('valueSize', () => {
  it('counts 1 per value, plus characters of texts and keys', () => {
    assert.equal(valueSize(null, 100), 1);
    assert.equal(valueSize(7, 100), 1);
    assert.equal(valueSize('abc', 100), 4);
    assert.equal(valueSize([1, 'ab'], 100), 1 + 1 + 3);
    assert.equal(valueSize({ ab: [1] }, 100), 1 + 3 + 2);
  });

  it('stops counting past the limit, without walking a long list', () => {
    assert.equal(valueSize(new Array<number>(5_000_000).fill(1), 1000), 1001);
    assert.equal(valueSize({ a: 'x'.repeat(5000) }, 1000), 1001);
    assert.equal(valueSize([[[['x'.repeat(998)]]]], 1000), 1001);
  });
});
