/**
 * Reading `/api/v1` request values: query strings, JSON bodies and the `expand` list, with
 * clear WaymarkErrors for what is missing or of the wrong shape.
 */
import { WaymarkError } from '../../errors/index.js';
import { MAX_PAGE_SIZE } from '../../services/index.js';

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

/**
 * The page a listing asks for: `pageSize` (1 to {@link MAX_PAGE_SIZE}) and `pageIndex` (from 0).
 * Without either, the caller asks for everything (as the vendor's listings answer): one row more
 * than the maximum is read, so {@link refuseOverfull} can tell when there is more.
 */
export interface ListingPage {
  readonly skip: number;
  readonly take: number;
  /** True when no page was asked for. */
  readonly all: boolean;
}

/** The `pageSize` and `pageIndex` of a listing, or WM_INPUT_INVALID naming what is wrong. */
export function listingPage(query: QueryValues): ListingPage {
  const pageSize = wholeNumber(query, 'pageSize', 1, MAX_PAGE_SIZE);
  const pageIndex = wholeNumber(query, 'pageIndex', 0, Number.MAX_SAFE_INTEGER);
  if (pageSize === undefined && pageIndex === undefined) return { skip: 0, take: MAX_PAGE_SIZE + 1, all: true };
  const size = pageSize ?? MAX_PAGE_SIZE;
  return { skip: size * (pageIndex ?? 0), take: size, all: false };
}

/** The items of a listing; WM_INPUT_INVALID when everything was asked for and more than a page matched. */
export function refuseOverfull<T>(items: readonly T[], page: ListingPage, what: string): readonly T[] {
  if (page.all && items.length > MAX_PAGE_SIZE) {
    throw new WaymarkError(
      'WM_INPUT_INVALID',
      `More than ${MAX_PAGE_SIZE} ${what} match: ask for them page by page with pageSize (at most ${MAX_PAGE_SIZE}) and pageIndex`,
      { field: 'pageSize', maxPageSize: MAX_PAGE_SIZE },
    );
  }
  return items;
}

function wholeNumber(query: QueryValues, name: string, min: number, max: number): number | undefined {
  const value = optionalQuery(query, name);
  if (value === undefined) return undefined;
  const number = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new WaymarkError('WM_INPUT_INVALID', `${name} must be a whole number ${range}`, { field: name });
  }
  return number;
}

