/**
 * The parameters of one Workflow API request, gathered from the URL path, the query string and
 * the body (JSON, form-urlencoded or multipart), with names matched case-insensitively.
 * Readers here only check shape (string, GUID, array, number); meaning is the services' business.
 */
import type { JsonValue } from '../../engine/types.js';
import { WaymarkError } from '../../errors/index.js';
import { checkCallerJson, parseCallerJson } from '../../http/caller-json.js';

/** The vendor's error texts, word for word (the login and password texts are the user service's: CredentialTexts). */
export const ErrorTexts = {
  operationRequired: 'Parameter \'operation\' is required. Use such URL format: workflowapi/{operation}.',
  processIdRequired:
    'Parameter \'processid\' is required and must be GUID! Use such URL format: workflowapi/{operation}/{processid}.',
  userIdRequired: 'Parameter \'id\' is required and must be GUID! Use such URL format: workflowapi/{operation}/{id}.',
  formNameRequired: 'Parameter \'name\' is required! Use such URL format: workflowapi/getformbyflow/{name}.',
  schemeCodeRequired: 'Parameter \'schemecode\' is required!',
  commandRequired: 'Parameter \'command\' is required and must be string!',
  parameterNameRequired: 'Parameter \'parameter\' is required! Add parameter name in \'parameter\'.',
  parameterValueRequired: 'Parameter \'value\' is required! Add parameter value in \'value\' parameter.',
  processIdsRequired: 'Parameter \'processids\' is required and must be array of GUIDs!',
  processIdsInvalid: 'Parameter \'processids\' must be an array of GUIDs!',
  adminRoleRefused: 'The role \'admin\' is assigned in the admin panel',
  tenantMismatch: 'If tenantId parameter was set then tenantId parameter and process instance TenantId should be equal',
  accessTokenMissing: 'AccessToken is on. Add \'token\' parameter for each workflowapi request!',
  accessTokenInvalid: 'AccessToken is not valid! Check \'token\' parameter in the query.',
  invalidBodyType: 'Invalid request body type',
  commandNotFound: (name: string) => `The command ${name} is not found!`,
  operationNotSupported: (name: string) => `operation=${name} is not supported!`,
} as const;

/** The vendor's messages of successful operations. */
export const SuccessTexts = {
  inboxRecalcStarted: 'Inbox recalc was started.',
  userCreated: 'User was created.',
  userDeleted: 'User was deleted.',
  userAddedToRole: 'User was added to role.',
  userRemovedFromRole: 'User was removed from role.',
} as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a GUID in the usual 8-4-4-4-12 form. */
export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/** A process parameter as a client passes it. */
export interface PassedParameter {
  readonly name: string;
  readonly value: JsonValue;
  readonly persist: boolean;
}

/** Case-insensitive, typed access to a request's parameters. */
export class RequestParameters {
  private readonly values = new Map<string, unknown>();
  private readonly sources: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>;

  /**
   * Later sources win: pass query, then body, then path. Each is checked as caller JSON (nesting
   * depth, prototype keys; `src/http/caller-json.ts`) — multipart parts parsed as JSON included.
   */
  constructor(...sources: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>) {
    for (const source of sources) checkCallerJson(source, 'the request');
    this.sources = sources;
    this.forEachGiven((name, value) => this.values.set(name.toLowerCase(), value));
  }

  /** Calls `visit` with each defined value of every source, in order, under the name the client used. */
  private forEachGiven(visit: (name: string, value: unknown) => void): void {
    for (const source of this.sources) {
      if (!source) continue;
      for (const name of Object.keys(source)) {
        const value = source[name];
        if (value !== undefined) visit(name, value);
      }
    }
  }

  /** True when the parameter is present (even when empty). */
  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  /** The raw value as it arrived. */
  raw(name: string): unknown {
    return this.values.get(name.toLowerCase());
  }

  /** The value as JSON (text stays text: the service converts it to the declared type), or undefined. */
  value(name: string): JsonValue | undefined {
    const value = this.raw(name);
    return value === undefined ? undefined : toJson(value);
  }

  /** Every parameter except the named ones, under the names the client used. */
  allExcept(names: readonly string[]): Record<string, JsonValue> {
    const skip = new Set(names.map((n) => n.toLowerCase()));
    // The name the client used is the one of the source whose value won (the last).
    const originalNames = new Map<string, string>();
    this.forEachGiven((name) => originalNames.set(name.toLowerCase(), name));
    const out: Record<string, JsonValue> = {};
    for (const [key, value] of this.values) {
      if (skip.has(key)) continue;
      out[originalNames.get(key) ?? key] = toJson(value);
    }
    return out;
  }

  /** A text parameter; numbers and booleans are accepted as their text; empty text is absent. */
  string(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value === '' ? undefined : value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new WaymarkError('WM_INPUT_INVALID', `Parameter '${name}' must be string!`, { field: name });
  }

  /** A required text parameter; `missingText` is the error shown when it is absent or not text. */
  requiredString(name: string, missingText = `Parameter '${name}' is required!`): string {
    let value: string | undefined;
    try {
      value = this.string(name);
    } catch {
      throw new WaymarkError('WM_INPUT_INVALID', missingText, { field: name });
    }
    if (value === undefined || value.trim() === '') throw new WaymarkError('WM_INPUT_MISSING', missingText, { field: name });
    return value;
  }

  /** The process id: required, a GUID. */
  processId(): string {
    const value = this.raw('processId');
    if (!isGuid(value)) throw new WaymarkError(value === undefined ? 'WM_INPUT_MISSING' : 'WM_INPUT_INVALID', ErrorTexts.processIdRequired, { field: 'processId' });
    return value;
  }

  /** An optional process id; when present it must be a GUID. */
  optionalProcessId(): string | undefined {
    const value = this.raw('processId');
    if (value === undefined || value === null || value === '') return undefined;
    if (!isGuid(value)) throw new WaymarkError('WM_INPUT_INVALID', ErrorTexts.processIdRequired, { field: 'processId' });
    return value;
  }

  /** A whole number ≥ 0, or undefined. */
  count(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(number) || number < 0) {
      throw new WaymarkError('WM_INPUT_INVALID', `Parameter '${name}' must be a whole number of 0 or more!`, { field: name });
    }
    return number;
  }

  /** A boolean (true/false, 1/0 in any letter case), or undefined. */
  boolean(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'boolean') return value;
    const text = String(value).trim().toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    throw new WaymarkError('WM_INPUT_INVALID', `Parameter '${name}' must be boolean!`, { field: name });
  }

  /** An ISO 8601 date-time, normalized to UTC ISO text, or undefined. */
  date(name: string): string | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const time = Date.parse(value);
    if (Number.isNaN(time)) throw new WaymarkError('WM_INPUT_INVALID', `Parameter '${name}' must be a date (ISO 8601)!`, { field: name });
    return new Date(time).toISOString();
  }

  /**
   * A list of strings: a JSON array, a JSON array in a string (form and query bodies), a repeated
   * query parameter, or comma-separated text.
   */
  stringList(name: string, invalidText = `Parameter '${name}' must be array of strings!`): string[] | undefined {
    const value = parseJsonText(this.raw(name), name, 'array');
    if (value === undefined || value === null || value === '') return undefined;
    const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
    if (!items || items.some((item) => typeof item !== 'string')) {
      throw new WaymarkError('WM_INPUT_INVALID', invalidText, { field: name });
    }
    return (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
  }

  /**
   * The required list of process ids. `invalidText` is the error when the list is absent, empty or
   * holds something other than GUIDs.
   */
  processIds(invalidText: string = ErrorTexts.processIdsRequired): string[] {
    let ids: string[] | undefined;
    try {
      ids = this.stringList('processIds', invalidText);
    } catch {
      throw new WaymarkError('WM_INPUT_INVALID', invalidText, { field: 'processIds' });
    }
    if (!ids || ids.length === 0 || !ids.every(isGuid)) {
      throw new WaymarkError(ids ? 'WM_INPUT_INVALID' : 'WM_INPUT_MISSING', invalidText, { field: 'processIds' });
    }
    return ids;
  }

  /** The user id of the User section: required, a GUID. */
  userId(): string {
    const value = this.raw('id');
    if (!isGuid(value)) throw new WaymarkError(value === undefined ? 'WM_INPUT_MISSING' : 'WM_INPUT_INVALID', ErrorTexts.userIdRequired, { field: 'id' });
    return value;
  }

  /** A JSON object (or one in a string), or undefined. */
  object(name: string): Record<string, JsonValue> | undefined {
    const value = parseJsonText(this.raw(name), name, 'object');
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new WaymarkError('WM_INPUT_INVALID', `Parameter '${name}' must be an object!`, { field: name });
    }
    return value as Record<string, JsonValue>;
  }

  /** A JSON array (or one in a string), or undefined. */
  array(name: string): JsonValue[] | undefined {
    const value = parseJsonText(this.raw(name), name, 'array');
    if (value === undefined || value === null || value === '') return undefined;
    if (!Array.isArray(value)) throw new WaymarkError('WM_INPUT_INVALID', `Parameter '${name}' must be an array!`, { field: name });
    return value as JsonValue[];
  }

  /**
   * Process parameters to pass: `[{name, value, persist}]`, or (the older form) an object of
   * values plus `persist=a,b` naming those to persist. Either may arrive as JSON text.
   */
  passedParameters(): PassedParameter[] {
    const value = parseJsonText(this.raw('parameters'), 'parameters', 'any');
    if (value === undefined || value === null || value === '') return [];
    const invalid = () =>
      new WaymarkError(
        'WM_INPUT_INVALID',
        `Parameter 'parameters' must be an array of {name, value, persist} or an object of values!`,
        { field: 'parameters' },
      );
    if (Array.isArray(value)) {
      return value.map((item) => {
        if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalid();
        const entry = lowerKeys(item as Record<string, unknown>);
        const name = entry.get('name');
        if (typeof name !== 'string' || name.trim() === '') throw invalid();
        const persist = entry.get('persist');
        return {
          name,
          value: toJson(entry.get('value') ?? null),
          persist: persist === true || (typeof persist === 'string' && persist.toLowerCase() === 'true'),
        };
      });
    }
    if (typeof value === 'object') {
      const persisted = new Set((this.stringList('persist') ?? []).map((n) => n.toLowerCase()));
      return Object.entries(value as Record<string, unknown>).map(([name, item]) => ({
        name,
        value: toJson(item),
        persist: persisted.has(name.toLowerCase()),
      }));
    }
    throw invalid();
  }
}

function lowerKeys(object: Record<string, unknown>): Map<string, unknown> {
  return new Map(Object.entries(object).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * Text that looks like the expected JSON (starts with `[` or `{`) is parsed and checked as caller
 * JSON; anything else is kept.
 */
function parseJsonText(value: unknown, name: string, expected: 'array' | 'object' | 'any'): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  const looksLikeJson =
    (expected !== 'object' && text.startsWith('[')) || (expected !== 'array' && text.startsWith('{'));
  if (!looksLikeJson) return value;
  return parseCallerJson(text, `parameter '${name}'`);
}

function toJson(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return null;
}
