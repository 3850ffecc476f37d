import { stdSerializers } from 'pino';
import { isSecretKey } from './secret-keys.js';
import { redactUrlsInText } from './url-credentials.js';

export { isSecretKey } from './secret-keys.js';

const MAX_DEPTH = 12;

/** What a secret is replaced with in log lines. */
export const REDACTED = '[Redacted]';

/**
 * A copy of `value` with every secret-bearing property replaced by {@link REDACTED}, at any depth,
 * in plain objects, arrays and errors, and the credentials of every URL in its text masked
 * (`redactUrlCredentials`). Other objects (dates, buffers, requests) are kept as they are:
 * their serializers decide what they show.
 */
export function redactSecrets<T>(value: T): T {
  return redactValue(value, 0, []) as T;
}

/**
 * Redacts one logged object. Errors directly under `err` or `error` are left for
 * {@link serializeErrorRedacted}, the serializer pino applies to those keys.
 */
export function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  const ancestors: object[] = [object];
  for (const [key, item] of Object.entries(object)) {
    if (isSecretKey(key) && item !== undefined && item !== null) copy[key] = REDACTED;
    else if (typeof item === 'string') copy[key] = redactUrlsInText(item);
    else if ((key === 'err' || key === 'error') && item instanceof Error) copy[key] = item;
    else copy[key] = redactValue(item, 1, ancestors);
  }
  return copy;
}

/** pino's error serializer followed by {@link redactSecrets}. */
export function serializeErrorRedacted(error: unknown): unknown {
  return redactSecrets(error);
}

// `ancestors` are the objects being copied around this one (at most MAX_DEPTH, so a list is
// quicker than a WeakSet, which every redacted log line and child logger would allocate).
function redactValue(value: unknown, depth: number, ancestors: object[]): unknown {
  // A URL in a value (a connection string, a request URL) may carry a password or a token.
  if (typeof value === 'string') return redactUrlsInText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[Truncated]';
  if (ancestors.includes(value)) return '[Circular]';
  if (value instanceof Error) {
    // Errors carry their own properties (request options, headers): serialize, then redact.
    return redactValue({ ...stdSerializers.err(value) }, depth, ancestors);
  }
  if (Array.isArray(value)) {
    ancestors.push(value);
    const copy = value.map((item) => redactValue(item, depth + 1, ancestors));
    ancestors.pop();
    return copy;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  ancestors.push(value);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretKey(key) && item !== undefined && item !== null ? REDACTED : redactValue(item, depth + 1, ancestors);
  }
  ancestors.pop();
  return copy;
}
