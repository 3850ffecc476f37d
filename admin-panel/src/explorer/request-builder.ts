/**
 * Form values → the HTTP request the explorer sends and the code generators write: method, the
 * server's absolute URL (the id in the path where the operation takes one), query, headers, the
 * JSON body, and how the call is authorized in the server's access mode.
 */
import type { ExplorerField, ExplorerOperation } from './operation-catalog.js';
import { checkJsonValue, jsonOrText, parseJsonText, PROTOTYPE_KEYS, type JsonValue } from './json-values.js';

/** One row of the Name / Value / Persist table of the `parameters` list. */
export interface ProcessParameterRow {
  readonly name: string;
  /** Typed text: JSON when it is JSON (`42`, `true`, `{"a":1}`), else the text itself. */
  readonly value: string;
  readonly persist: boolean;
}

/** What a form field holds: text, a switch, a list of texts, or parameter rows; undefined when left empty. */
export type FieldValue = string | boolean | readonly string[] | readonly ProcessParameterRow[] | undefined;

/** The form: values by field name. */
export type FormValues = Readonly<Record<string, FieldValue>>;

/** How the Workflow API is protected, as the admin API's access settings say. */
export type WorkflowApiAccess =
  | { readonly mode: 'open' }
  /** Each call carries the API access token as its `token` field. */
  | { readonly mode: 'token'; readonly token: string }
  /** Each call carries a bearer token from the client credentials grant at the discovery document's token endpoint. */
  | { readonly mode: 'oidc'; readonly discoveryUrl: string; readonly tokenEndpoint: string; readonly clientId: string; readonly clientSecret: string };

/** Where and how calls go. */
export interface ExplorerAccess {
  /** The server's absolute URL with no trailing slash: its public URL, else the page's origin. */
  readonly serverUrl: string;
  readonly workflowApi: WorkflowApiAccess;
  /** The `/api/v1` API token, sent as `Authorization: Bearer …` (left out when empty). */
  readonly apiV1Token: string;
}

/** The client credentials grant a call needs first (OpenID Connect mode). */
export interface TokenGrant {
  readonly discoveryUrl: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A request, complete but for the bearer token of a {@link TokenGrant}. */
export interface ExplorerRequest {
  readonly api: ExplorerOperation['api'];
  readonly method: ExplorerOperation['method'];
  /** Absolute, with the path's values and the query percent-encoded. */
  readonly url: string;
  /** Header name and value pairs, in order (Content-Type and Authorization not included). */
  readonly headers: readonly (readonly [string, string])[];
  /** The JSON body, for operations that take one. */
  readonly body?: { readonly [key: string]: JsonValue };
  /** Authorization: a known bearer token, or the one the grant returns. */
  readonly bearer?: { readonly kind: 'token'; readonly token: string } | { readonly kind: 'granted'; readonly grant: TokenGrant };
}

/** A value the form cannot send, and why. */
export interface FormProblem {
  readonly field: string;
  readonly message: string;
}

/** The request, and the problems that keep it from being sent (values with a problem are left out). */
export interface BuiltRequest {
  readonly request: ExplorerRequest;
  readonly problems: readonly FormProblem[];
}

/** Builds the request for the operation from the form values (see the module doc). */
export function buildRequest(operation: ExplorerOperation, values: FormValues, access: ExplorerAccess): BuiltRequest {
  const problems: FormProblem[] = [];
  const body: Record<string, JsonValue> = {};
  const query = new URLSearchParams();
  const headers: [string, string][] = [];
  let path = operation.path;
  let pathId: string | undefined;

  for (const field of operation.fields) {
    const converted = convert(field, values[field.name]);
    if (converted === undefined) continue;
    if ('problem' in converted) {
      problems.push({ field: field.name, message: `${field.name} ${converted.problem}` });
      continue;
    }
    const value = converted.value;
    if (operation.api === 'workflowapi' && field.name === operation.urlId) {
      pathId = textOf(value);
      continue;
    }
    switch (field.location) {
      case 'body':
        body[field.name] = value;
        break;
      case 'query':
        query.append(field.name, textOf(value));
        break;
      case 'header': {
        const text = textOf(value);
        if (/[\r\n\0]/.test(text)) problems.push({ field: field.name, message: `${field.name} cannot contain line breaks (it is a header)` });
        else headers.push([field.name, text]);
        break;
      }
      case 'path':
        path = path.replace(`{${field.name}}`, encodeURIComponent(textOf(value)));
        break;
    }
  }
  if (pathId !== undefined) path = `${path}/${encodeURIComponent(pathId)}`;
  for (const missing of path.match(/\{[^}]+\}/g) ?? []) {
    problems.push({ field: missing.slice(1, -1), message: `${missing.slice(1, -1)} is required (it is part of the URL)` });
  }

  let bearer: ExplorerRequest['bearer'];
  if (operation.security === 'workflow-api') {
    const protection = access.workflowApi;
    if (protection.mode === 'token') body.token = protection.token;
    if (protection.mode === 'oidc') {
      const { discoveryUrl, tokenEndpoint, clientId, clientSecret } = protection;
      bearer = { kind: 'granted', grant: { discoveryUrl, tokenEndpoint, clientId, clientSecret } };
    }
  } else if (operation.security === 'bearer' && access.apiV1Token !== '') {
    if (/[\r\n\0]/.test(access.apiV1Token)) problems.push({ field: 'Authorization', message: 'The API token cannot contain line breaks' });
    else bearer = { kind: 'token', token: access.apiV1Token };
  }

  const search = query.toString();
  const takesBody = operation.api === 'workflowapi' || operation.fields.some((field) => field.location === 'body');
  const request: ExplorerRequest = {
    api: operation.api,
    method: operation.method,
    url: `${access.serverUrl.replace(/\/+$/, '')}${path}${search === '' ? '' : `?${search}`}`,
    headers,
    ...(takesBody ? { body } : {}),
    ...(bearer === undefined ? {} : { bearer }),
  };
  return { request, problems };
}

function textOf(value: JsonValue): string {
  if (typeof value === 'string') return value;
  // A list in the query or a header travels as comma-separated text (the form the server reads).
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  return JSON.stringify(value);
}

type Converted = { value: JsonValue } | { problem: string } | undefined;

/** A field's value as JSON; undefined when it is left empty (then it is not sent). */
function convert(field: ExplorerField, raw: FieldValue): Converted {
  if (raw === undefined) return undefined;
  if (typeof raw === 'boolean') return field.kind === 'boolean' ? { value: raw } : { problem: 'must be text' };
  if (Array.isArray(raw)) {
    if (field.kind === 'process-parameters') return processParameters(raw as readonly ProcessParameterRow[]);
    const items = (raw as readonly unknown[]).filter((item): item is string => typeof item === 'string' && item.trim() !== '');
    return items.length === 0 ? undefined : { value: items };
  }
  const text = raw as string;
  if (text.trim() === '') return undefined;
  switch (field.kind) {
    case 'integer':
      return /^\s*-?\d+\s*$/.test(text) && Number.isSafeInteger(Number(text)) ? { value: Number(text) } : { problem: 'must be a whole number' };
    case 'number':
      return Number.isFinite(Number(text)) ? { value: Number(text) } : { problem: 'must be a number' };
    case 'boolean':
      return text === 'true' || text === 'false' ? { value: text === 'true' } : { problem: 'must be true or false' };
    case 'json':
    case 'process-parameters': {
      const parsed = parseJsonText(text);
      return parsed.ok ? { value: parsed.value } : { problem: parsed.problem };
    }
    case 'any': {
      const parsed = jsonOrText(text);
      return parsed.ok ? { value: parsed.value } : { problem: parsed.problem };
    }
    case 'tags': {
      const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
      return items.length === 0 ? undefined : { value: items };
    }
    default:
      return { value: text };
  }
}

function processParameters(rows: readonly ProcessParameterRow[]): Converted {
  const list: JsonValue[] = [];
  for (const [index, row] of rows.entries()) {
    const name = row.name.trim();
    if (name === '' && row.value.trim() === '') continue;
    if (name === '') return { problem: `row ${index + 1} has a value but no name` };
    if (PROTOTYPE_KEYS.has(name)) return { problem: `row ${index + 1}: the name "${name}" is not accepted` };
    const value = row.value === '' ? { ok: true as const, value: null } : jsonOrText(row.value);
    if (!value.ok) return { problem: `row ${index + 1} (${name}) ${value.problem}` };
    list.push({ name, value: value.value, persist: row.persist });
  }
  const problem = checkJsonValue(list);
  if (problem !== undefined) return { problem };
  return list.length === 0 ? undefined : { value: list };
}
