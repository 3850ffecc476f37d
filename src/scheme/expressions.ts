/**
 * Scheme expressions: the vendor's `@Param` syntax on top of CEL (`@marcbachmann/cel-js`).
 *
 * An expression is rewritten once (`@Sum` → an internal CEL variable), parsed, checked for
 * refused constructs and type-checked against the declared parameter types. Evaluation converts
 * JSON parameter values to CEL values and the result back to plain JSON-like values.
 * See docs/schemes.md, "Expressions".
 */
import { createRequire } from 'node:module';
import type { ASTNode, Environment } from '@marcbachmann/cel-js';
import { WaymarkError } from '../errors/index.js';
import { childNodes } from './expression-ast.js';
import { expressionBudget, formatCost, itemCount, MAX_EXPRESSION_COST, valueSize, type BudgetCheck } from './expression-budget.js';
import type { CompiledExpression } from './model.js';

/** Longest expression text accepted, in characters. */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Most CEL syntax-tree nodes one expression may have. */
export const MAX_EXPRESSION_NODES = 1000;
/** Deepest nesting one expression may have. */
export const MAX_EXPRESSION_DEPTH = 32;

/** The CEL type a parameter of a declared .NET type is checked as. */
export type CelType = 'string' | 'int' | 'double' | 'bool' | 'dyn';

// A Map, not an object: a scheme's type name `constructor` must not find Object.prototype's.
const CEL_TYPE_BY_DOTNET_TYPE: ReadonlyMap<string, CelType> = new Map([
  ['string', 'string'],
  ['char', 'string'],
  ['int16', 'int'],
  ['int32', 'int'],
  ['int64', 'int'],
  ['byte', 'int'],
  ['sbyte', 'int'],
  ['uint16', 'int'],
  ['uint32', 'int'],
  ['uint64', 'int'],
  ['decimal', 'double'],
  ['double', 'double'],
  ['single', 'double'],
  ['float', 'double'],
  ['boolean', 'bool'],
  ['bool', 'bool'],
]);

/** Maps a declared .NET type name (`Int32`, `System.String`, …) to the CEL type used for checking; unknown → `dyn`. */
export function celTypeOf(dotNetType: string | undefined): CelType {
  if (dotNetType === undefined) return 'dyn';
  const bare = dotNetType.trim().replace(/^System\./i, '').replace(/\?$/, '').toLowerCase();
  return CEL_TYPE_BY_DOTNET_TYPE.get(bare) ?? 'dyn';
}

/** Functions refused at compile time, with the reason shown to the scheme author. */
const REFUSED_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['matches', 'matches() is refused: a regular expression from a scheme could backtrack catastrophically and stall the server'],
]);

const INTERNAL_PREFIX = 'wm_p_';
const PARAMETER_REFERENCE = /@([A-Za-z0-9_]+)/y;

interface RewrittenExpression {
  readonly text: string;
  /** Parameter names in order of first use. */
  readonly parameterNames: readonly string[];
}

/**
 * Rewrites `@Name` outside string literals to an internal CEL identifier. Every parameter gets
 * the prefix, so names that are CEL reserved words or built-in functions (`in`, `int`, `size`) stay safe.
 */
function rewriteParameterReferences(source: string): RewrittenExpression {
  const names: string[] = [];
  let text = '';
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (char === '"' || char === "'") {
      const end = endOfStringLiteral(source, index);
      text += source.slice(index, end);
      index = end;
      continue;
    }
    if (char === '@') {
      PARAMETER_REFERENCE.lastIndex = index;
      const match = PARAMETER_REFERENCE.exec(source);
      if (match) {
        const name = match[1]!;
        if (!names.includes(name)) names.push(name);
        text += INTERNAL_PREFIX + name;
        index += match[0].length;
        continue;
      }
    }
    text += char;
    index += 1;
  }
  return { text, parameterNames: names };
}

/** Index just past the string literal starting at `start` (handles triple quotes, raw strings and escapes). */
function endOfStringLiteral(source: string, start: number): number {
  const quote = source[start]!;
  const isRaw = start > 0 && /[rR]/.test(source[start - 1]!) && !/[A-Za-z0-9_]/.test(source[start - 2] ?? ' ');
  const triple = source.startsWith(quote.repeat(3), start);
  const closing = triple ? quote.repeat(3) : quote;
  let index = start + closing.length;
  while (index < source.length) {
    if (!isRaw && source[index] === '\\') {
      index += 2;
      continue;
    }
    if (source.startsWith(closing, index)) return index + closing.length;
    if (!triple && source[index] === '\n') return index;
    index += 1;
  }
  return source.length;
}

/** Replaces internal identifiers in a CEL message with the `@Name` the author wrote. */
function showParameterNames(message: string): string {
  return message.replace(new RegExp(`\\b${INTERNAL_PREFIX}([A-Za-z0-9_]+)`, 'g'), '@$1');
}

/**
 * Longest text, in characters, that can count as a number in an expression: enough for every
 * double written out in full (`Number.MAX_VALUE` has 309 digits) with a sign, a fraction, an
 * exponent and surrounding spaces. A longer text is compared as text, and is not read further.
 */
export const MAX_NUMERIC_TEXT_LENGTH = 512;

/**
 * The number a text holds (`"25"`, `" -1.5e3 "`, `".5"`, `"7."`), or undefined. Parameter values
 * come from callers, so this reads each character at most once and no text longer than
 * {@link MAX_NUMERIC_TEXT_LENGTH}: a regular expression here backtracked quadratically on a long
 * run of digits that ended in something else (issue #17).
 */
export function numericText(text: string): number | undefined {
  if (text.length > MAX_NUMERIC_TEXT_LENGTH) return undefined;
  const trimmed = text.trim();
  let index = 0;
  const digitsFrom = (start: number): number => {
    let end = start;
    while (end < trimmed.length && trimmed.charCodeAt(end) >= 48 && trimmed.charCodeAt(end) <= 57) end += 1;
    return end;
  };
  if (trimmed[index] === '+' || trimmed[index] === '-') index += 1;
  const integerEnd = digitsFrom(index);
  let mantissaDigits = integerEnd - index;
  index = integerEnd;
  if (trimmed[index] === '.') {
    const fractionEnd = digitsFrom(index + 1);
    mantissaDigits += fractionEnd - index - 1;
    index = fractionEnd;
  }
  if (mantissaDigits === 0) return undefined;
  if (trimmed[index] === 'e' || trimmed[index] === 'E') {
    let exponentStart = index + 1;
    if (trimmed[exponentStart] === '+' || trimmed[exponentStart] === '-') exponentStart += 1;
    const exponentEnd = digitsFrom(exponentStart);
    if (exponentEnd === exponentStart) return undefined;
    index = exponentEnd;
  }
  return index === trimmed.length ? Number(trimmed) : undefined;
}

type NumberOperator = '<' | '<=' | '>' | '>=';
const ORDERING: Readonly<Record<NumberOperator, (left: number, right: number) => boolean>> = {
  '<': (l, r) => l < r,
  '<=': (l, r) => l <= r,
  '>': (l, r) => l > r,
  '>=': (l, r) => l >= r,
};

function stringAsNumber(text: string): number {
  const value = numericText(text);
  if (value === undefined) {
    // The text is caller data of any length: the message shows its start only.
    const shown = text.length > 40 ? `"${text.slice(0, 40)}…" (${text.length} characters)` : `"${text}"`;
    throw new Error(`the text ${shown} is not a number and cannot be compared with one`);
  }
  return value;
}

/**
 * Operators that make CEL behave like the vendor's numbers: int and double mix in arithmetic and
 * equality. Registered in both the checking and the evaluating environment.
 */
function registerMixedNumberOperators(environment: Environment): void {
  environment.registerOperator('int == double', (left: bigint, right: number) => Number(left) === right);
  for (const op of ['+', '-', '*', '/'] as const) {
    const apply = (l: number, r: number): number =>
      op === '+' ? l + r : op === '-' ? l - r : op === '*' ? l * r : l / r;
    environment.registerOperator(`int ${op} double`, (l: bigint, r: number) => apply(Number(l), r));
    environment.registerOperator(`double ${op} int`, (l: number, r: bigint) => apply(l, Number(r)));
  }
}

/**
 * Runtime-only operators: a parameter whose value is a text holding a number (SetParameter stores
 * `"25"`) compares numerically with a number. Only reachable through `dyn` parameters, because the
 * checking environment does not have them: `@Comment > 5` with a declared String still fails to compile.
 */
function registerTextNumberOperators(environment: Environment): void {
  // Registering `string == int` also answers `int == string` and both `!=`.
  for (const numberType of ['int', 'double'] as const) {
    environment.registerOperator(`string == ${numberType}`, (text: string, number: bigint | number) => {
      const value = numericText(text);
      return value !== undefined && value === Number(number);
    });
    for (const op of Object.keys(ORDERING) as NumberOperator[]) {
      const compare = ORDERING[op];
      environment.registerOperator(`string ${op} ${numberType}`, (text: string, number: bigint | number) =>
        compare(stringAsNumber(text), Number(number)),
      );
      environment.registerOperator(`${numberType} ${op} string`, (number: bigint | number, text: string) =>
        compare(Number(number), stringAsNumber(text)),
      );
    }
  }
}

const LIMITS = { maxAstNodes: MAX_EXPRESSION_NODES, maxDepth: MAX_EXPRESSION_DEPTH };

// cel-js is loaded with the first expression, not when the server starts (docs/performance.md,
// "Start-up"). Synchronously, because compiling is: Node ≥ 20.19 `require`s an ES module.
const requireModule = createRequire(import.meta.url);
let baseEnvironments: { readonly evaluation: Environment; readonly checking: Environment } | null = null;

// Environments are costly to build: build the operator tables once, clone per expression.
function bases(): { readonly evaluation: Environment; readonly checking: Environment } {
  if (baseEnvironments === null) {
    const cel = requireModule('@marcbachmann/cel-js') as typeof import('@marcbachmann/cel-js');
    const evaluation = new cel.Environment({ limits: LIMITS, homogeneousAggregateLiterals: false });
    registerMixedNumberOperators(evaluation);
    registerTextNumberOperators(evaluation);
    const checking = new cel.Environment({ limits: LIMITS, homogeneousAggregateLiterals: false });
    registerMixedNumberOperators(checking);
    baseEnvironments = { evaluation, checking };
  }
  return baseEnvironments;
}

/** Every variable is `dyn` here, so a missing (null) value of a declared type still evaluates. */
function createEvaluationEnvironment(parameterNames: readonly string[]): Environment {
  const environment = bases().evaluation.clone();
  for (const name of parameterNames) environment.registerVariable(INTERNAL_PREFIX + name, 'dyn');
  return environment;
}

function createCheckingEnvironment(
  parameterNames: readonly string[],
  parameterTypes: ReadonlyMap<string, string>,
): Environment {
  const environment = bases().checking.clone();
  for (const name of parameterNames) {
    environment.registerVariable(INTERNAL_PREFIX + name, celTypeOf(parameterTypes.get(name)));
  }
  return environment;
}

function findRefusedCall(node: ASTNode): { name: string; reason: string } | undefined {
  if (node.op === 'call' || node.op === 'rcall') {
    const name = node.args[0];
    const reason = REFUSED_FUNCTIONS.get(name);
    if (reason !== undefined) return { name, reason };
  }
  for (const child of childNodes(node)) {
    const found = findRefusedCall(child);
    if (found) return found;
  }
  return undefined;
}


function invalid(source: string, reason: string): WaymarkError<'WM_EXPRESSION_INVALID'> {
  return new WaymarkError('WM_EXPRESSION_INVALID', `Expression "${source}" is not valid: ${reason}`, {
    expression: source,
    reason,
  });
}

function describeCelError(error: unknown, rewrittenText: string): string {
  const summary =
    error instanceof Error ? ((error as { summary?: string }).summary ?? error.message.split('\n')[0] ?? '') : String(error);
  const range = (error as { range?: { start: number } }).range;
  // Positions are reported in the rewritten text; map back by counting the prefixes before it.
  let where = '';
  if (range) {
    const before = rewrittenText.slice(0, range.start);
    const prefixes = before.split(INTERNAL_PREFIX).length - 1;
    const column = range.start - prefixes * (INTERNAL_PREFIX.length - 1) + 1;
    where = ` (at column ${column})`;
  }
  return `${showParameterNames(summary)}${where}`;
}

/**
 * Converts a JSON parameter value to the CEL value for its declared CEL type: integral numbers
 * become bigint where an int is declared or the type is dyn; floats stay numbers (double).
 */
export function toCelValue(value: unknown, type: CelType): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') {
    if (type === 'double') return value;
    return Number.isSafeInteger(value) ? BigInt(value) : value;
  }
  if (typeof value === 'string' && type === 'int') {
    const number = numericText(value);
    if (number !== undefined && Number.isSafeInteger(number)) return BigInt(number);
  }
  if (typeof value === 'string' && type === 'double') {
    const number = numericText(value);
    if (number !== undefined) return number;
  }
  if (Array.isArray(value)) return value.map((item) => toCelValue(item, 'dyn'));
  if (typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    const converted: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) converted[key] = toCelValue(item, 'dyn');
    return converted;
  }
  return value;
}

/** Converts a CEL result to plain JSON-like JavaScript (bigint → number, Map → object). */
export function fromCelValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(fromCelValue);
  if (value instanceof Map) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of value) result[String(key)] = fromCelValue(item);
    return result;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    if (typeof (value as { valueOf(): unknown }).valueOf() === 'bigint') return Number((value as { valueOf(): bigint }).valueOf());
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = fromCelValue(item);
    return result;
  }
  return value;
}

/**
 * WM_EXPRESSION_FAILED when the parameter values are too large for the expression's evaluation
 * budget. Values no larger than the size safe for all cost one bounded walk each; only a larger
 * one makes the estimate be computed again with the sizes measured.
 */
function checkBudget(source: string, check: BudgetCheck, names: readonly string[], parameters: Readonly<Record<string, unknown>>): void {
  const safe = check.sizeSafeForAll;
  if (safe === null) return;
  const valueOf = (name: string): unknown => (Object.prototype.hasOwnProperty.call(parameters, name) ? parameters[name] : undefined);
  let anyLarge = false;
  for (const name of names) anyLarge ||= valueSize(valueOf(name), safe) > safe;
  if (!anyLarge) return;
  const large = names.filter((name) => valueSize(valueOf(name), safe) > safe);
  const measures = new Map(
    names.map((name) => [INTERNAL_PREFIX + name, { size: valueSize(valueOf(name), Number.MAX_SAFE_INTEGER), items: itemCount(valueOf(name)) }]),
  );
  const cost = check.costWith(measures);
  if (cost <= MAX_EXPRESSION_COST) return;
  const reason =
    `the value${large.length > 1 ? 's' : ''} of ${large.map((name) => '@' + name).join(', ')} ${large.length > 1 ? 'are' : 'is'} too large for ` +
    `this expression's evaluation budget (estimated work: ${formatCost(cost)} steps; the budget is ${formatCost(MAX_EXPRESSION_COST)}; ` +
    'see "Evaluation budget" in docs/schemes.md)';
  throw new WaymarkError('WM_EXPRESSION_FAILED', `Expression "${source}" failed: ${reason}`, { expression: source, reason });
}

/**
 * Compiles a scheme expression written with `@Param` references.
 *
 * `parameterTypes` maps declared parameter names to their .NET type names; undeclared parameters
 * are `dyn`. Throws `WaymarkError('WM_EXPRESSION_INVALID')` for text that is too long, does not
 * parse, uses a refused function (`matches`), does not type-check, or could exceed the evaluation
 * budget whatever its parameters (`expression-budget.ts`). Evaluating it with parameter values too
 * large for the budget fails with WM_EXPRESSION_FAILED before any CEL runs.
 */
export function compileExpression(source: string, parameterTypes: ReadonlyMap<string, string>): CompiledExpression {
  if (source.trim() === '') throw invalid(source, 'the expression is empty');
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw invalid(
      source.slice(0, 60) + '…',
      `the expression is ${source.length} characters long; at most ${MAX_EXPRESSION_LENGTH} are accepted`,
    );
  }
  const rewritten = rewriteParameterReferences(source);
  const checking = createCheckingEnvironment(rewritten.parameterNames, parameterTypes);
  let ast: ASTNode;
  try {
    ast = checking.parse(rewritten.text).ast;
  } catch (error) {
    throw invalid(source, describeCelError(error, rewritten.text));
  }
  const refused = findRefusedCall(ast);
  if (refused) throw invalid(source, refused.reason);
  const check = checking.check(rewritten.text);
  if (!check.valid) throw invalid(source, describeCelError(check.error, rewritten.text));
  const budget = expressionBudget(ast, (identifier) => identifier.startsWith(INTERNAL_PREFIX));
  if (!budget.accepted) throw invalid(source, budget.reason);
  const budgetCheck = budget.check;

  const program = createEvaluationEnvironment(rewritten.parameterNames).parse(rewritten.text);
  const celTypes = new Map(rewritten.parameterNames.map((name) => [name, celTypeOf(parameterTypes.get(name))]));
  const parameterNames = Object.freeze([...rewritten.parameterNames]);

  return Object.freeze({
    source,
    parameterNames,
    evaluate(parameters: Readonly<Record<string, unknown>>): unknown {
      const context: Record<string, unknown> = {};
      checkBudget(source, budgetCheck, parameterNames, parameters);
      for (const [name, type] of celTypes) {
        const value = Object.prototype.hasOwnProperty.call(parameters, name) ? parameters[name] : undefined;
        context[INTERNAL_PREFIX + name] = toCelValue(value, type);
      }
      try {
        return fromCelValue(program(context));
      } catch (error) {
        const missing = parameterNames.filter((name) => context[INTERNAL_PREFIX + name] === null);
        const hint = missing.length > 0 ? `; without a value: ${missing.map((name) => '@' + name).join(', ')}` : '';
        const reason = describeCelError(error, rewritten.text) + hint;
        throw new WaymarkError('WM_EXPRESSION_FAILED', `Expression "${source}" failed: ${reason}`, {
          expression: source,
          reason,
        });
      }
    },
  });
}
