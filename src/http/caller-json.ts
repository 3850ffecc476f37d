/**
 * Limits on the JSON a caller sends, checked by every dialect where it reads request parameters
 * (bodies, and JSON text inside form, query or multipart fields): nesting at most
 * {@link MAX_CALLER_JSON_DEPTH} levels deep, and no object key that names a member of
 * `Object.prototype`'s machinery (`__proto__`, `constructor`, `prototype`). Both are refused with
 * WM_INPUT_INVALID, which each dialect maps to its own wire format.
 *
 * Why: code that walks a value recursively (converting, cloning, storing, logging it) overflows
 * the stack on a value nested a few thousand levels deep — a 1 MiB body can nest half a million —
 * and answers 500; and a `__proto__` key copied with plain assignment changes an object's
 * prototype instead of adding a field.
 */
import { isPrototypeKey } from '../scheme/index.js';
import { WaymarkError } from '../errors/index.js';

/** Deepest nesting of arrays and objects accepted in caller JSON (`{}` is 1, `{"a":[1]}` is 2). */
export const MAX_CALLER_JSON_DEPTH = 64;

/**
 * Checks an already parsed caller value: WM_INPUT_INVALID when it nests deeper than
 * {@link MAX_CALLER_JSON_DEPTH} or an object in it has a prototype key. `where` names the value in
 * the message (`the request body`, `parameter 'parameters'`). Iterative: any depth is safe to check.
 */
export function checkCallerJson(value: unknown, where: string): void {
  const pending: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop()!;
    if (current === null || typeof current !== 'object' || Buffer.isBuffer(current)) continue;
    if (depth + 1 > MAX_CALLER_JSON_DEPTH) {
      throw new WaymarkError('WM_INPUT_INVALID', `${capitalized(where)} is nested more than ${MAX_CALLER_JSON_DEPTH} levels deep`, {
        field: where,
        maxDepth: MAX_CALLER_JSON_DEPTH,
      });
    }
    if (Array.isArray(current)) {
      for (const item of current) pending.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(current)) {
      if (isPrototypeKey(key)) {
        throw new WaymarkError('WM_INPUT_INVALID', `${capitalized(where)} has the key "${key}", which is not accepted in any object`, {
          field: where,
          key,
        });
      }
      pending.push({ value: (current as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
}

/**
 * Parses JSON text a caller sent inside a field and checks it like {@link checkCallerJson}.
 * Malformed text is WM_INPUT_INVALID with the start of the text.
 */
export function parseCallerJson(text: string, where: string): unknown {
  let value: unknown;
  try {
    // JSON.parse itself is not recursive: a deeply nested text parses, and is refused below.
    value = JSON.parse(text) as unknown;
  } catch {
    throw new WaymarkError('WM_INPUT_INVALID', `${capitalized(where)} holds malformed JSON: ${text.slice(0, 80)}`, { field: where });
  }
  checkCallerJson(value, where);
  return value;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
