/**
 * The built-in `HTTPRequest` action and `CheckHTTPRequest` condition, with the ActionParameter
 * JSON the vendor's schemes use: `{Url, ContentType, Post, AddProcessInstanceParameters,
 * Parameters, ParameterName, StoreResponse}`, and for the condition `{ResultFieldName,
 * ResultFieldValue, CompareType, Separator}` — parsed when the scheme was compiled
 * (`src/scheme/action-arguments.ts`). Only allowlisted hosts are reached.
 */
import { WaymarkError } from '../errors/index.js';
import type { ExternalCallContext, JsonValue } from '../engine/types.js';
import type { HttpCheckArguments, HttpRequestArguments, HttpRequestOptions } from '../scheme/index.js';
import { sendOutbound, type HostAllowlist, type HostResolver, type OutboundResponse } from './outbound-http.js';

/** The limits HTTP actions run with. */
export interface HttpActionLimits {
  readonly allowlist: HostAllowlist;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  /** Resolves host names; default: the system's resolver. */
  readonly resolveHost?: HostResolver;
}

function invalid(name: string, reason: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', `${name}: ${reason}`, { action: name });
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

async function send(name: string, p: HttpRequestOptions, context: ExternalCallContext, limits: HttpActionLimits): Promise<OutboundResponse> {
  let url = expandUrl(name, p.url, context.parameters);
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (p.post) {
    const isForm = /form/i.test(p.contentType);
    if (p.addProcessInstanceParameters) {
      // A `Parameters` text that is not a JSON object is not sent in this case.
      const fields: Record<string, JsonValue> = { ...context.parameters, processId: context.instance.id, ...p.parametersObject };
      body = isForm ? new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString() : JSON.stringify(fields);
    } else {
      body = p.parametersText ?? '';
    }
    headers['content-type'] = isForm ? 'application/x-www-form-urlencoded' : 'application/json';
  } else if (p.addProcessInstanceParameters) {
    const target = new URL(url);
    for (const [key, value] of Object.entries(context.parameters)) {
      if (value !== null && typeof value !== 'object') target.searchParams.set(key, String(value));
    }
    url = target.href;
  }
  const response = await sendOutbound({
    url,
    method: p.post ? 'POST' : 'GET',
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
export async function runHttpRequest(request: HttpRequestArguments, context: ExternalCallContext, limits: HttpActionLimits): Promise<Record<string, JsonValue>> {
  const response = await send('HTTPRequest', request, context, limits);
  if (!request.storeResponse || !request.parameterName) return {};
  return { [request.parameterName]: responseValue(response) };
}

/** Evaluates `CheckHTTPRequest`: the response's `ResultFieldName` compared with `ResultFieldValue`. */
export async function checkHttpRequest(check: HttpCheckArguments, context: ExternalCallContext, limits: HttpActionLimits): Promise<boolean> {
  const response = await send('CheckHTTPRequest', check, context, limits);
  let field: JsonValue | undefined = responseValue(response);
  for (const key of check.resultFieldPath) {
    field = field !== null && typeof field === 'object' && !Array.isArray(field) ? field[key] : undefined;
  }
  const actual = field === undefined || field === null ? '' : typeof field === 'string' ? field : JSON.stringify(field);
  return compare(check.compareType, actual, check.expectedValues);
}

/** `compareType` is one of HTTP_COMPARE_TYPES (lower case), checked when the scheme was compiled. */
function compare(compareType: string, actual: string, candidates: readonly string[]): boolean {
  const number = (text: string): number => Number(text);
  switch (compareType) {
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
