/**
 * The evaluation budget of scheme expressions. cel-js bounds an expression's text and syntax tree
 * but not its evaluation: `map` inside `map` inside `map` builds n³ elements, and `cel.bind` or a
 * chain of `map`s can double a value at every step. CEL evaluation is synchronous, so an expression
 * that runs for seconds stalls the whole server.
 *
 * So before an expression is accepted its worst case is estimated from its syntax tree, as a
 * function of how large the parameter values it reads may be (elements, characters and keys,
 * counted by {@link valueSize}). Every node costs the size of the value it yields, plus
 * its operands' costs; a comprehension costs its step once per element; `+` and `join` build
 * values as large as their operands together. The estimate is an upper bound, never a guess:
 *
 * - when even the smallest parameter values could exceed {@link MAX_EXPRESSION_COST}, the
 *   expression is refused when the scheme is saved (the budget does not depend on data then);
 * - otherwise the largest size that stays within the budget whichever parameters have it is
 *   computed once; each evaluation first measures the values it reads against it, and only when
 *   one is larger estimates again with the measured sizes: over the budget, the evaluation fails
 *   with a clear message before anything is evaluated.
 *
 * Comprehensions inside comprehensions are limited to {@link MAX_COMPREHENSION_NESTING} levels.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import { childNodes } from './expression-ast.js';

/** Most work one evaluation may do, in the estimate's units (roughly: values touched or built). */
export const MAX_EXPRESSION_COST = 100_000;
/** Deepest nesting of comprehensions (`all`, `exists`, `exists_one`, `map`, `filter`) in one another's step. */
export const MAX_COMPREHENSION_NESTING = 3;

/**
 * The largest input size the search below considers. The estimate is a polynomial in it, so one
 * that stays within the budget even here does not grow with it (its work is a constant).
 */
const LARGEST_INPUT_SIZE = 2 ** 30;

/** How an expression may be evaluated, or why it may not. */
export type ExpressionBudget = { readonly accepted: true; readonly check: BudgetCheck } | { readonly accepted: false; readonly reason: string };

/** What each evaluation of an accepted expression checks first. */
export interface BudgetCheck {
  /**
   * Parameter values of at most this size never exceed the budget, whichever parameters hold them
   * (null: no size does; the work does not grow with them). Checking this is enough for most calls.
   */
  readonly sizeSafeForAll: number | null;
  /** The estimated work with these measures of the parameters' values (by identifier; others count 1). */
  costWith(measures: ReadonlyMap<string, ValueMeasure>): number;
}

/** How large a value is: its {@link valueSize}, and how many items it has when it is a list or map. */
export interface ValueMeasure {
  readonly size: number;
  /** Items of a list, entries of a map; 1 for anything else. Never more than `size`. */
  readonly items: number;
}

interface Estimate extends ValueMeasure {
  /** Upper bound of the work done. */
  readonly cost: number;
}

const QUANTIFIERS = new Set(['all', 'exists', 'exists_one']);
const FREE_BINARY = new Set(['&&', '||', '-', '*', '/', '%']);
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

class NotBounded extends Error {}

/**
 * Checks a parsed expression (its surface syntax tree, as `Environment.parse` gives it) against
 * the budget. `isParameter` tells parameter identifiers from other names.
 */
export function expressionBudget(ast: ASTNode, isParameter: (identifier: string) => boolean): ExpressionBudget {
  const nesting = comprehensionNesting(ast);
  if (nesting > MAX_COMPREHENSION_NESTING) {
    return {
      accepted: false,
      reason: `comprehensions are nested ${nesting} deep; at most ${MAX_COMPREHENSION_NESTING} are accepted`,
    };
  }
  const costWithMeasures = (measureOf: (parameter: string) => ValueMeasure): number =>
    estimate(ast, { measureOf: (identifier) => (isParameter(identifier) ? measureOf(identifier) : SCALAR), variables: new Map() }).cost;
  const costAt = (size: number): number => costWithMeasures(() => ({ size, items: size }));
  let smallest: number;
  try {
    smallest = costAt(1);
  } catch (error) {
    if (error instanceof NotBounded) return { accepted: false, reason: error.message };
    throw error;
  }
  if (!(smallest <= MAX_EXPRESSION_COST)) {
    return {
      accepted: false,
      reason: `its estimated work is ${formatCost(smallest)} steps even with the smallest parameter values, more than the budget of ${formatCost(MAX_EXPRESSION_COST)}`,
    };
  }
  const costWith = (measures: ReadonlyMap<string, ValueMeasure>): number => costWithMeasures((parameter) => measures.get(parameter) ?? SCALAR);
  // The estimate grows with the sizes: find the largest size within the budget for all of them.
  let low = 1;
  let high = LARGEST_INPUT_SIZE;
  if (costAt(high) <= MAX_EXPRESSION_COST) return { accepted: true, check: { sizeSafeForAll: null, costWith } };
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (costAt(middle) <= MAX_EXPRESSION_COST) low = middle;
    else high = middle;
  }
  return { accepted: true, check: { sizeSafeForAll: low, costWith } };
}

/**
 * The size of a JSON-like value as the budget counts it: 1 for a scalar, 1 + length for a text,
 * 1 + the sizes of the items of a list, 1 + the sizes of the keys and values of an object.
 * Counting stops as soon as it passes `limit` (the result is then `limit + 1`), so measuring a
 * huge value costs no more than the limit.
 */
export function valueSize(value: unknown, limit: number): number {
  // Most values an expression reads are scalars: no walk for them.
  if (typeof value === 'string') return Math.min(1 + value.length, limit + 1);
  if (value === null || typeof value !== 'object') return 1;
  let total = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    total += 1;
    if (typeof current === 'string' || current instanceof Uint8Array) {
      total += current.length;
    } else if (Array.isArray(current)) {
      // Every item still to look at adds at least 1: a list that cannot fit is not walked.
      if (total + pending.length + current.length > limit) return limit + 1;
      for (const item of current) pending.push(item);
    } else if (current !== null && typeof current === 'object') {
      for (const key in current) {
        if (!Object.hasOwn(current, key)) continue;
        total += 1 + key.length;
        if (total > limit) return limit + 1;
        pending.push((current as Record<string, unknown>)[key]);
      }
    }
    if (total > limit) return limit + 1;
  }
  return total;
}

/** The items of a list or map value, 1 for anything else. */
export function itemCount(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map) return value.size;
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return Object.keys(value).length;
  return 1;
}

const SCALAR: ValueMeasure = { size: 1, items: 1 };

interface Scope {
  /** The measure of the value of an identifier that is not a variable ({@link SCALAR} for anything but a parameter). */
  readonly measureOf: (identifier: string) => ValueMeasure;
  /** Measures of the comprehension and `cel.bind` variables in scope. */
  readonly variables: ReadonlyMap<string, ValueMeasure>;
}

function withVariable(scope: Scope, name: string, measure: ValueMeasure): Scope {
  return { ...scope, variables: new Map(scope.variables).set(name, measure) };
}

function estimate(node: ASTNode, scope: Scope): Estimate {
  switch (node.op) {
    case 'value':
      return built({ size: literalSize(node.args), items: 1 }, 0);
    case 'id':
      // A reference: reading it costs nothing, but the value may be large.
      return { cost: 1, ...(scope.variables.get(node.args) ?? scope.measureOf(node.args)) };
    case '.':
    case '.?': {
      const operand = estimate(node.args[0], scope);
      return { cost: operand.cost + 1, ...partOf(operand) };
    }
    case '[]':
    case '[?]': {
      const operand = estimate(node.args[0], scope);
      const index = estimate(node.args[1], scope);
      return { cost: operand.cost + index.cost + 1, ...partOf(operand) };
    }
    case 'list': {
      const items = node.args.map((item) => estimate(item, scope));
      return { cost: sum(items.map((item) => item.cost)) + items.length + 1, size: 1 + sum(items.map((item) => item.size)), items: items.length };
    }
    case 'map': {
      const entries = node.args.flatMap(([key, value]) => [estimate(key, scope), estimate(value, scope)]);
      return { cost: sum(entries.map((entry) => entry.cost)) + entries.length + 1, size: 1 + sum(entries.map((entry) => entry.size)), items: node.args.length };
    }
    case '!_':
    case '-_':
      return { cost: estimate(node.args, scope).cost + 1, ...SCALAR };
    case '?:': {
      const [condition, whenTrue, whenFalse] = node.args.map((part) => estimate(part, scope)) as [Estimate, Estimate, Estimate];
      return {
        cost: condition.cost + Math.max(whenTrue.cost, whenFalse.cost) + 1,
        size: Math.max(whenTrue.size, whenFalse.size),
        items: Math.max(whenTrue.items, whenFalse.items),
      };
    }
    case 'call':
      return callEstimate(node.args[0], null, node.args[1], scope);
    case 'rcall':
      return callEstimate(node.args[0], node.args[1], node.args[2], scope);
    default:
      return binaryEstimate(node, scope);
  }
}

/** A field or item of a value: no larger than the value, and it may be a list as large. */
function partOf(whole: ValueMeasure): ValueMeasure {
  return { size: whole.size, items: whole.size };
}

function binaryEstimate(node: ASTNode, scope: Scope): Estimate {
  const op = node.op as string;
  const [leftNode, rightNode] = node.args as [ASTNode, ASTNode];
  if (!FREE_BINARY.has(op) && !COMPARISONS.has(op) && op !== '+' && op !== 'in') {
    throw new NotBounded(`the operator ${op} has no evaluation budget`);
  }
  const left = estimate(leftNode, scope);
  const right = estimate(rightNode, scope);
  const operands = left.cost + right.cost;
  // `+` joins texts and lists into a new value as large as both.
  if (op === '+') return built({ size: left.size + right.size, items: left.items + right.items }, operands);
  // Comparing two values looks at most at both. (At most the smaller, in fact; but the bound of a
  // comprehension below needs estimates that are convex in the sizes, which a minimum is not.)
  if (COMPARISONS.has(op)) return { cost: operands + left.size + right.size + 1, ...SCALAR };
  // `in` compares the value with each item of the list (at most the smaller of each), or looks up a key.
  if (op === 'in') return { cost: operands + right.size + 1, ...SCALAR };
  return { cost: operands + 1, ...SCALAR };
}

function callEstimate(name: string, receiverNode: ASTNode | null, argumentNodes: readonly ASTNode[], scope: Scope): Estimate {
  if (receiverNode !== null && isComprehension(name, argumentNodes)) return comprehensionEstimate(name, receiverNode, argumentNodes, scope);
  if (receiverNode?.op === 'id' && receiverNode.args === 'cel' && name === 'bind' && argumentNodes.length === 3) {
    const [variableNode, initNode, bodyNode] = argumentNodes as [ASTNode, ASTNode, ASTNode];
    const init = estimate(initNode, scope);
    const body = estimate(bodyNode, withVariable(scope, variableName(variableNode), { size: init.size, items: init.items }));
    return { ...body, cost: init.cost + body.cost + 1 };
  }
  if (receiverNode === null && name === 'has') return { cost: sum(argumentNodes.map((a) => estimate(a, scope).cost)) + 1, ...SCALAR };
  const receiver = receiverNode === null ? { cost: 0, size: 0, items: 0 } : estimate(receiverNode, scope);
  const args = argumentNodes.map((a) => estimate(a, scope));
  const operands = receiver.cost + sum(args.map((a) => a.cost));
  const inputSize = receiver.size + sum(args.map((a) => a.size));
  // `join` repeats its separator between every two items; every other function yields at most
  // about twice its inputs (`split` adds a list around the pieces, `string(1.5)` a few characters).
  if (name === 'join') return built({ size: receiver.size * (1 + sum(args.map((a) => a.size))), items: 1 }, operands + inputSize);
  const size = 2 * inputSize + 32;
  return built({ size, items: size }, operands + inputSize);
}

function isComprehension(name: string, args: readonly ASTNode[]): boolean {
  if (QUANTIFIERS.has(name) || name === 'filter') return args.length === 2;
  return name === 'map' && (args.length === 2 || args.length === 3);
}

/**
 * A comprehension runs its step once per item. The step's estimate is built from sizes with `+`,
 * `·` and `max` only (never a minimum), so it is increasing and convex in the item's size e; over
 * k items whose sizes add up to at most s it therefore sums to at most step(s) + k · step(0).
 */
function comprehensionEstimate(name: string, receiverNode: ASTNode, args: readonly ASTNode[], scope: Scope): Estimate {
  const receiver = estimate(receiverNode, scope);
  const count = receiver.items;
  const variable = variableName(args[0]!);
  const over = (step: ASTNode): Estimate => {
    const whole = estimate(step, withVariable(scope, variable, { size: receiver.size, items: receiver.size }));
    const empty = estimate(step, withVariable(scope, variable, { size: 0, items: 0 }));
    return { cost: whole.cost + count * empty.cost, size: whole.size + count * empty.size, items: 0 };
  };
  const steps = args.slice(1).map(over);
  const cost = receiver.cost + sum(steps.map((s) => s.cost)) + count + 1;
  if (name === 'map') return { cost, size: 1 + steps[steps.length - 1]!.size, items: count };
  if (name === 'filter') return { cost, size: receiver.size, items: count };
  return { cost, ...SCALAR };
}

function variableName(node: ASTNode): string {
  if (node.op !== 'id') throw new NotBounded('a comprehension or cel.bind needs a variable name');
  return node.args;
}

/** How deeply comprehensions sit in one another's steps (a receiver does not nest). */
function comprehensionNesting(node: ASTNode): number {
  if (node.op === 'rcall' && isComprehension(node.args[0], node.args[2])) {
    const [, receiver, args] = node.args;
    return Math.max(comprehensionNesting(receiver), 1 + Math.max(...args.slice(1).map(comprehensionNesting)));
  }
  return Math.max(0, ...childNodes(node).map(comprehensionNesting));
}


function literalSize(value: unknown): number {
  if (typeof value === 'string' || value instanceof Uint8Array) return 1 + value.length;
  return 1;
}

/** A node that builds a new value (copying into it) after work `operands`: building costs its size. */
function built(measure: ValueMeasure, operands: number): Estimate {
  return { ...measure, cost: operands + measure.size };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** A number of steps for a message: `1,234,567`, or `more than 10^15`. */
export function formatCost(cost: number): string {
  if (!Number.isFinite(cost) || cost >= 1e15) return 'more than 10^15';
  return Math.round(cost).toLocaleString('en-US');
}
