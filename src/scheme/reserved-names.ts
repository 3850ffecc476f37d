/**
 * Names that reach JavaScript's object machinery when used as a key: `__proto__` sets an
 * object's prototype instead of adding a field, and `constructor` / `prototype` find
 * Object.prototype's members where a field is missing. They are refused as parameter names (in
 * schemes, start forms and every call that passes parameters) and as keys of caller JSON.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for `__proto__`, `constructor` and `prototype`. */
export function isPrototypeKey(name: string): boolean {
  return PROTOTYPE_KEYS.has(name);
}
