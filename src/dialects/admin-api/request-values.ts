/**
 * Reading the admin API's query values: each is checked once here and becomes a typed value,
 * or a WaymarkError('WM_INPUT_INVALID') that names the parameter.
 */
import { WaymarkError } from '../../errors/index.js';
import type { LogLevel } from '../../services/log-service.js';

/** The query string as fastify parses it (a repeated key becomes an array). */
export type QueryValues = Readonly<Record<string, string | string[] | undefined>>;

/** The single value of a query parameter; a repeated parameter is refused. */
export function singleValue(query: QueryValues, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) {
    throw new WaymarkError('WM_INPUT_INVALID', `Query parameter '${name}' is given more than once`, { field: name });
  }
  return value;
}

/** A positive whole number (`version=3`), or undefined when absent. */
export function positiveInteger(query: QueryValues, name: string): number | undefined {
  const value = singleValue(query, name);
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(value)) {
    throw new WaymarkError('WM_INPUT_INVALID', `Query parameter '${name}' must be a positive whole number, not '${value}'`, { field: name });
  }
  return Number(value);
}

/** A whole number in [min, max] (`limit=50`; min 0 unless given), or undefined when absent. */
export function boundedCount(query: QueryValues, name: string, max: number, min = 0): number | undefined {
  const value = singleValue(query, name);
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,9}$/.test(value) || Number(value) > max || Number(value) < min) {
    throw new WaymarkError('WM_INPUT_INVALID', `Query parameter '${name}' must be a whole number from ${min} to ${max}, not '${value}'`, {
      field: name,
    });
  }
  return Number(value);
}

/** `true`/`false` (also `1`/`0`); absent is false. */
export function flag(query: QueryValues, name: string): boolean {
  const value = singleValue(query, name);
  if (value === undefined) return false;
  const normalized = value.toLowerCase();
  if (normalized === 'true' || normalized === '1' || normalized === '') return true;
  if (normalized === 'false' || normalized === '0') return false;
  throw new WaymarkError('WM_INPUT_INVALID', `Query parameter '${name}' must be true or false, not '${value}'`, { field: name });
}

/** A non-empty text value, or undefined when absent. */
export function optionalText(query: QueryValues, name: string): string | undefined {
  const value = singleValue(query, name);
  if (value === undefined) return undefined;
  if (value.trim() === '') {
    throw new WaymarkError('WM_INPUT_INVALID', `Query parameter '${name}' is empty: leave it out or give a value`, { field: name });
  }
  return value.trim();
}

/** The format a scheme is answered in. */
export type SchemeFormat = 'json' | 'xml';

/**
 * `?format=json|xml` wins; without it, an Accept header that asks for XML (and not JSON) picks XML.
 */
export function schemeFormat(query: QueryValues, accept: string | undefined): SchemeFormat {
  const format = singleValue(query, 'format');
  if (format !== undefined) {
    const normalized = format.toLowerCase();
    if (normalized === 'json' || normalized === 'xml') return normalized;
    throw new WaymarkError('WM_INPUT_INVALID', `Query parameter 'format' must be json or xml, not '${format}'`, { field: 'format' });
  }
  const wanted = (accept ?? '').toLowerCase();
  return /\b(application|text)\/xml\b/.test(wanted) && !wanted.includes('json') ? 'xml' : 'json';
}

const LOG_LEVELS: readonly LogLevel[] = ['info', 'error', 'debug'];

/** `level=info|error|debug`, or undefined when absent. */
export function logLevel(query: QueryValues): LogLevel | undefined {
  const value = singleValue(query, 'level');
  if (value === undefined) return undefined;
  const level = LOG_LEVELS.find((candidate) => candidate === value.toLowerCase());
  if (level === undefined) {
    throw new WaymarkError('WM_INPUT_INVALID', `Query parameter 'level' must be one of ${LOG_LEVELS.join(', ')}, not '${value}'`, {
      field: 'level',
    });
  }
  return level;
}
