/**
 * Values written into generated code as literals of its language, so that no value — with
 * quotes, backslashes, line breaks, `$`, `{` or control characters — can end the literal early
 * or run as code.
 */
import type { JsonValue } from '../json-values.js';

/**
 * A JavaScript string literal. JSON's string syntax is a subset of JavaScript's (since ES2019
 * also for U+2028 and U+2029); those two are escaped anyway so older engines read it too.
 */
export function javaScriptString(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * A JSON value as a JavaScript expression, indented by `indent` for each level past the first
 * line. A `__proto__` key is written as a computed key: as a plain key in an object literal it
 * would set the prototype instead of adding the property.
 */
export function javaScriptValue(value: JsonValue, indent = '  ', depth = 0): string {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? javaScriptString(value) : JSON.stringify(value);
  const inner = indent.repeat(depth + 1);
  const outer = indent.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${javaScriptValue(item, indent, depth + 1)}`).join(',\n')}\n${outer}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const key = (name: string) => (name === '__proto__' ? `[${javaScriptString(name)}]` : javaScriptString(name));
  return `{\n${entries.map(([name, item]) => `${inner}${key(name)}: ${javaScriptValue(item, indent, depth + 1)}`).join(',\n')}\n${outer}}`;
}

/**
 * A word for a POSIX shell (bash, zsh, sh): single-quoted, each `'` written as `'\''`. Inside
 * single quotes nothing is special, not `$`, `` ` ``, `\` nor a line break. NUL cannot be passed
 * in an argument at all, so it is refused.
 */
export function shellWord(text: string): string {
  if (text.includes('\0')) throw new Error('A NUL character cannot be passed to a shell command');
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

const CSHARP_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/**
 * A C# regular string literal. Quotes, backslashes and control characters are escaped, and so
 * are the characters C# treats as line breaks (U+0085, U+2028, U+2029), which may not stand in
 * a regular literal.
 */
export function cSharpString(text: string): string {
  const escaped = text.replace(/["\\\0-\x1f\x7f\x85\u2028\u2029]/g, (character) => {
    return CSHARP_ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}

/**
 * A C# 11 raw string literal of several lines, for text with no line breaks of its own inside a
 * line (such as pretty-printed JSON): `"""` (or more quotes than the longest run in the text), the
 * lines indented by `indent`, and the closing quotes on their own line at that indentation.
 * Nothing inside is an escape, so the text reads as it is.
 */
export function cSharpRawString(text: string, indent: string): string {
  if (/[\r\x85\u2028\u2029]/.test(text)) throw new Error('A raw string literal cannot hold a line break inside a line (CR, U+0085, U+2028, U+2029)');
  const longestQuoteRun = Math.max(0, ...[...text.matchAll(/"+/g)].map((run) => run[0].length));
  const quotes = '"'.repeat(Math.max(3, longestQuoteRun + 1));
  const lines = text.split('\n').map((line) => `${indent}${line}`);
  return `${quotes}\n${lines.join('\n')}\n${indent}${quotes}`;
}
