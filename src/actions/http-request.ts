/**
 * The built-in `HTTPRequest` action and `CheckHTTPRequest` condition, with the ActionParameter
 * JSON the vendor's schemes use: `{Url, ContentType, Post, AddProcessInstanceParameters,
 * Parameters, ParameterName, StoreResponse}`, and for the condition `{ResultFieldName,
 * ResultFieldValue, CompareType, Separator}`. Only allowlisted hosts are reached.
 */
import { WaymarkError } from '../errors/index.js';
import type { ExternalCallContext, JsonValue } from '../engine/types.js';
import { sendOutbound, type HostAllowlist, type HostResolver, type OutboundResponse } from './outbound-http.js';

/** The limits HTTP actions run with. */
export interface HttpActionLimits {
  readonly allowlist: HostAllowlist;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  /** Resolves host names; default: the system's resolver. */
  readonly resolveHost?: HostResolver;
}

interface HttpRequestParameter {
  readonly Url: string;
  readonly ContentType: string;
  readonly Post: boolean;
  readonly AddProcessInstanceParameters: boolean;
  readonly Parameters: string | null;
  readonly ParameterName: string | null;
  readonly StoreResponse: boolean;
  readonly ResultFieldName: string | null;
  readonly ResultFieldValue: string | null;
  readonly CompareType: string;
  readonly Separator: string | null;
}

function invalid(name: string, reason: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', `${name}: ${reason}`, { action: name });
}

function readParameter(name: string, text: string | null): HttpRequestParameter {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    throw invalid(name, `its parameter is not JSON (expected {"Url": …})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(name, 'its parameter is not a JSON object');
  const record = raw as Record<string, unknown>;
  const text_ = (key: string): string | null => {
    const value = record[key];
    if (value === undefined || value === null || value === '') return null;
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  const flag = (key: string): boolean => record[key] === true || record[key] === 'true';
  const url = text_('Url');
  if (!url) throw invalid(name, 'its parameter has no Url');
  return {
    Url: url,
    ContentType: text_('ContentType') ?? 'Json',
    Post: flag('Post'),
    AddProcessInstanceParameters: flag('AddProcessInstanceParameters'),
    Parameters: text_('Parameters'),
    ParameterName: text_('ParameterName'),
    StoreResponse: flag('StoreResponse'),
    ResultFieldName: text_('ResultFieldName'),
    ResultFieldValue: text_('ResultFieldValue'),
    CompareType: text_('CompareType') ?? 'Equal',
    Separator: text_('Separator'),
  };
}

const PLACEHOLDER = /\{([A-Za-z_][\w.]*)\}/g;
/** A whole path segment that URLs treat as `.` or `..`, however it is percent-encoded. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * `{Name}` in the URL is replaced by the process parameter of that name, when it has one, encoded as
 * one URL component (`encodeURIComponent`): a value cannot add a `/`, a query or a fragment. A value
 * that makes a whole path segment `.` or `..` is refused, since URLs remove such segments and climb
 * up the path whatever their encoding.
 */
export function expandUrl(action: string, template: string, parameters: Readonly<Record<string, JsonValue>>): string {
  let url = '';
  let copied = 0;
  const substituted: { readonly name: string; readonly start: number; readonly end: number }[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    url += template.slice(copied, match.index);
    copied = match.index + match[0].length;
    const name = match[1]!;
    const value = Object.hasOwn(parameters, name) ? parameters[name] : undefined;
    if (value === undefined || value === null) {
      url += match[0];
      continue;
    }
    const encoded = encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value));
    substituted.push({ name, start: url.length, end: url.length + encoded.length });
    url += encoded;
  }
  url += template.slice(copied);
  // Encoded values hold no '/', '?' or '#', so the path's bounds come from the template's own text.
  const authority = url.indexOf('//');
  const pathStart = url.indexOf('/', authority < 0 ? 0 : authority + 2);
  const pathEnd = url.search(/[?#]/) < 0 ? url.length : url.search(/[?#]/);
  for (const part of substituted) {
    if (pathStart < 0 || part.start < pathStart || part.end > pathEnd) continue;
    const segmentStart = url.lastIndexOf('/', part.start - 1) + 1;
    const nextSlash = url.indexOf('/', part.end);
    const segment = url.slice(segmentStart, nextSlash < 0 || nextSlash > pathEnd ? pathEnd : nextSlash);
    if (DOT_SEGMENT.test(segment)) {
      throw invalid(action, `the value of {${part.name}} makes the URL path segment '${segment}', which would climb the path; refused`);
    }
  }
  return url;
}

async function send(name: string, p: HttpRequestParameter, context: ExternalCallContext, limits: HttpActionLimits): Promise<OutboundResponse> {
  let url = expandUrl(name, p.Url, context.parameters);
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (p.Post) {
    const isForm = /form/i.test(p.ContentType);
    let fields: Record<string, JsonValue> | null = null;
    if (p.AddProcessInstanceParameters) fields = { ...context.parameters, processId: context.instance.id };
    if (fields) {
      if (p.Parameters !== null) {
        try {
          const extra = JSON.parse(p.Parameters) as unknown;
          if (extra && typeof extra === 'object' && !Array.isArray(extra)) Object.assign(fields, extra);
        } catch {
          // Not JSON: sent as it is below.
        }
      }
      body = isForm ? new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString() : JSON.stringify(fields);
    } else {
      body = p.Parameters ?? '';
    }
    headers['content-type'] = isForm ? 'application/x-www-form-urlencoded' : 'application/json';
  } else if (p.AddProcessInstanceParameters) {
    const target = new URL(url);
    for (const [key, value] of Object.entries(context.parameters)) {
      if (value !== null && typeof value !== 'object') target.searchParams.set(key, String(value));
    }
    url = target.href;
  }
  const response = await sendOutbound({
    url,
    method: p.Post ? 'POST' : 'GET',
    headers,
    ...(body === undefined ? {} : { body }),
    allowlist: limits.allowlist,
    purpose: name,
    ...(limits.timeoutMs === undefined ? {} : { timeoutMs: limits.timeoutMs }),
    ...(limits.maxResponseBytes === undefined ? {} : { maxResponseBytes: limits.maxResponseBytes }),
    ...(limits.resolveHost === undefined ? {} : { resolveHost: limits.resolveHost }),
  });
  if (response.status < 200 || response.status >= 300) {
    throw new WaymarkError('WM_ACTION_FAILED', `${name}: ${new URL(response.url).origin} answered ${response.status}`, { action: name, status: response.status });
  }
  return response;
}

function responseValue(response: OutboundResponse): JsonValue {
  try {
    return JSON.parse(response.body) as JsonValue;
  } catch {
    return response.body;
  }
}

/** Runs `HTTPRequest`; returns the response under `ParameterName` when `StoreResponse`. */
export async function runHttpRequest(parameter: string | null, context: ExternalCallContext, limits: HttpActionLimits): Promise<Record<string, JsonValue>> {
  const p = readParameter('HTTPRequest', parameter);
  const response = await send('HTTPRequest', p, context, limits);
  if (!p.StoreResponse || !p.ParameterName) return {};
  return { [p.ParameterName]: responseValue(response) };
}

/** Evaluates `CheckHTTPRequest`: the response's `ResultFieldName` compared with `ResultFieldValue`. */
export async function checkHttpRequest(parameter: string | null, context: ExternalCallContext, limits: HttpActionLimits): Promise<boolean> {
  const p = readParameter('CheckHTTPRequest', parameter);
  const response = await send('CheckHTTPRequest', p, context, limits);
  let field: JsonValue | undefined = responseValue(response);
  for (const key of (p.ResultFieldName ?? '').split('.').filter((k) => k.length > 0)) {
    field = field !== null && typeof field === 'object' && !Array.isArray(field) ? field[key] : undefined;
  }
  const actual = field === undefined || field === null ? '' : typeof field === 'string' ? field : JSON.stringify(field);
  const expected = p.ResultFieldValue ?? '';
  const candidates = p.Separator ? expected.split(p.Separator).map((v) => v.trim()) : [expected];
  return compare(p.CompareType, actual, candidates);
}

function compare(compareType: string, actual: string, candidates: readonly string[]): boolean {
  const number = (text: string): number => Number(text);
  switch (compareType.toLowerCase()) {
    case 'equal':
      return candidates.includes(actual);
    case 'notequal':
      return !candidates.includes(actual);
    case 'contains':
      return candidates.some((c) => actual.includes(c));
    case 'notcontains':
      return !candidates.some((c) => actual.includes(c));
    case 'more':
      return candidates.some((c) => number(actual) > number(c));
    case 'moreorequal':
      return candidates.some((c) => number(actual) >= number(c));
    case 'less':
      return candidates.some((c) => number(actual) < number(c));
    case 'lessorequal':
      return candidates.some((c) => number(actual) <= number(c));
    case 'isnull':
      return actual === '';
    case 'isnotnull':
      return actual !== '';
    default:
      throw new WaymarkError('WM_ACTION_FAILED', `CheckHTTPRequest: CompareType '${compareType}' is not known (Equal, NotEqual, Contains, NotContains, More, MoreOrEqual, Less, LessOrEqual, IsNull, IsNotNull)`, { compareType });
  }
}
