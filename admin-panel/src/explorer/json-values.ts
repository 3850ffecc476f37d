/**
 * JSON typed into the explorer's form, parsed and checked the way the server checks request
 * bodies: prototype keys and deep nesting are refused with a message that says where.
 */

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Keys that would reach an object's prototype in JavaScript code (and that the server refuses). */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The deepest nesting accepted in a typed value, as the server's request checks allow. */
export const MAX_JSON_DEPTH = 32;

/** Parsed JSON, or why it was refused. */
export type JsonParse = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly problem: string };

/** Parses JSON text and checks it (see {@link checkJsonValue}). */
export function parseJsonText(text: string): JsonParse {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (error) {
    return { ok: false, problem: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const problem = checkJsonValue(value);
  return problem === undefined ? { ok: true, value } : { ok: false, problem };
}

/**
 * Text that is JSON becomes that value; any other text stays text (`Manager` is the text
 * "Manager", `42` the number, `"42"` the text "42").
 */
export function jsonOrText(text: string): JsonParse {
  const parsed = parseJsonText(text);
  if (parsed.ok) return parsed;
  return parsed.problem.startsWith('is not valid JSON') ? { ok: true, value: text } : parsed;
}

/** Why a value cannot be sent (a prototype key, or nesting deeper than {@link MAX_JSON_DEPTH}), or undefined. */
export function checkJsonValue(value: JsonValue): string | undefined {
  const pending: { value: JsonValue; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.depth >= MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(next.value)) {
      next.value.forEach((item, index) => pending.push({ value: item, depth: next.depth + 1, path: `${next.path}[${index}]` }));
      continue;
    }
    for (const [key, item] of Object.entries(next.value)) {
      if (PROTOTYPE_KEYS.has(key)) return `has the key "${key}"${next.path ? ` at ${next.path}` : ''}, which is not accepted`;
      pending.push({ value: item, depth: next.depth + 1, path: `${next.path}.${key}` });
    }
  }
  return undefined;
}
