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
import { sendOutbound, type HostAllowlist, type OutboundResponse } from './outbound-http.js';

/** The limits HTTP actions run with. */
export interface HttpActionLimits {
  readonly allowlist: HostAllowlist;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
}

/** `{Name}` in the URL is replaced by the process parameter of that name, when it has one. */
function expandUrl(url: string, parameters: Readonly<Record<string, JsonValue>>): string {
  return url.replace(/\{([A-Za-z_][\w.]*)\}/g, (whole, key: string) => {
    const value = parameters[key];
    if (value === undefined || value === null) return whole;
    return encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value));
  });
}

async function send(name: string, p: HttpRequestOptions, context: ExternalCallContext, limits: HttpActionLimits): Promise<OutboundResponse> {
  let url = expandUrl(p.url, context.parameters);
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
