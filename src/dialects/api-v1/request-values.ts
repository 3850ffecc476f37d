/**
 * Reading `/api/v1` request values: query strings, JSON bodies and the `expand` list, with
 * clear WaymarkErrors for what is missing or of the wrong shape.
 */
import { WaymarkError } from '../../errors/index.js';

/** The raw query string values of a request. */
export type QueryValues = Readonly<Record<string, string | string[] | undefined>>;

/** A query value given once (the last one when repeated), or undefined when absent or empty. */
export function optionalQuery(query: QueryValues, name: string): string | undefined {
  const raw = query[name];
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The `expand` values (`expand=a,b` or repeated `expand=a&expand=b`), lower-cased. */
export function expandValues(query: QueryValues): ReadonlySet<string> {
  const raw = query.expand;
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => v.split(','));
  return new Set(values.map((v) => v.trim().toLowerCase()).filter((v) => v !== ''));
}

/** One of `allowed` (compared case-insensitively), or WM_INPUT_INVALID. */
export function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (found === undefined) throw new WaymarkError('WM_INPUT_INVALID', `${name} must be one of ${allowed.join(', ')}`, { field: name });
  return found;
}

/** The request body as an object of fields (an absent body is empty). */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) {
    throw new WaymarkError('WM_INPUT_INVALID', 'The request body must be a JSON object', { field: 'body' });
  }
  return body as Record<string, unknown>;
}

/** A required non-empty string field of a body, or WM_INPUT_MISSING / WM_INPUT_INVALID. */
export function requiredString(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (value === undefined || value === null || value === '') {
    throw new WaymarkError('WM_INPUT_MISSING', `A required ${name} was not provided`, { field: name });
  }
  if (typeof value !== 'string') throw new WaymarkError('WM_INPUT_INVALID', `${name} must be a string`, { field: name });
  return value;
}
