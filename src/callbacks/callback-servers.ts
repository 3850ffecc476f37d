/**
 * Callback server configuration: the store setting `callbackServers` and, for automation, the
 * environment variable `WAYMARK_CALLBACK_URL` (one server, default paths).
 *
 * As on the vendor's Callback API page, each method has its own address — a path under the
 * server's base URL, or an absolute URL of its own — and may have its own token; the server's
 * token is used for the methods without one.
 */
import { WaymarkError } from '../errors/index.js';
import type { JsonValue } from '../engine/types.js';

/** The methods every callback server of Waymark 0.1 answers: on by default under a base URL. */
export const CLASSIC_CALLBACK_METHODS = [
  'getactions',
  'getconditions',
  'getrules',
  'executeaction',
  'executecondition',
  'checkrule',
  'getidentities',
  'processstatuschanged',
  'processactivitychanged',
] as const;

/**
 * The methods a server answers only when its settings name them: the scheme generator, the
 * process log and the parameter provider. Off by default, so a callback server that does not
 * implement them is never asked (a 404 there would fail steps or be retried for hours).
 */
export const OPT_IN_CALLBACK_METHODS = ['generate', 'processlog', 'getparameternames', 'getparameter', 'setparameter'] as const;

/** The Callback API methods, each with its own path. */
export const CALLBACK_METHODS = [...CLASSIC_CALLBACK_METHODS, ...OPT_IN_CALLBACK_METHODS] as const;
/** One Callback API method. */
export type CallbackMethod = (typeof CALLBACK_METHODS)[number];

/** The methods called with GET `?schemeCode=…&token=…`; the others are POSTs with a JSON body. */
export const LIST_METHODS: ReadonlySet<CallbackMethod> = new Set(['getactions', 'getconditions', 'getrules', 'getparameternames']);

/** One callback server, with every default filled in. */
export interface CallbackServer {
  /** How commands and the admin API name it (`callbacks change <name>`). */
  readonly name: string;
  /** Where it comes from: the store setting, or `WAYMARK_CALLBACK_URL` (read-only). */
  readonly source: 'setting' | 'environment';
  /** e.g. `http://127.0.0.1:5000/callback`: relative paths are appended. Null: every method has an absolute URL. */
  readonly baseUrl: string | null;
  /** Sent with every method that has no token of its own. */
  readonly token: string | null;
  readonly timeoutMs: number;
  /** The path (under `baseUrl`) or absolute URL of each method; empty: not called on this server. */
  readonly paths: Readonly<Record<CallbackMethod, string>>;
  /** Tokens of single methods, used instead of `token`. */
  readonly tokens: Readonly<Partial<Record<CallbackMethod, string>>>;
}

/** The name of the store setting. */
export const CALLBACK_SERVERS_SETTING = 'callbackServers';
/** Default timeout of a callback call. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 10_000;
/** The name of the server `WAYMARK_CALLBACK_URL` configures. */
export const ENVIRONMENT_SERVER_NAME = 'environment';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_TEXT_LENGTH = 2048;
const MAX_TIMEOUT_MS = 10 * 60_000;
const SERVER_FIELDS = new Set(['name', 'baseUrl', 'token', 'timeoutMs', 'paths', 'tokens']);

function invalid(message: string, index: number): WaymarkError<'WM_CONFIG_INVALID'> {
  // `problem` without the setting's name, for the commands and routes that change one server.
  return new WaymarkError('WM_CONFIG_INVALID', `Setting ${CALLBACK_SERVERS_SETTING}[${index}]: ${message}`, { setting: CALLBACK_SERVERS_SETTING, index, problem: message });
}

/** True for a method name of the Callback API. */
export function isCallbackMethod(name: string): name is CallbackMethod {
  return (CALLBACK_METHODS as readonly string[]).includes(name);
}

/** True when `path` is an absolute http(s) URL rather than a path under the base URL. */
export function isAbsoluteUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

function httpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function isPlainObject(value: unknown): value is Record<string, JsonValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads one server of the setting; throws WM_CONFIG_INVALID naming the bad field. `index` is its
 * place in the setting (for messages and for the name of a server written without one).
 */
export function parseCallbackServer(item: JsonValue | undefined, index: number): CallbackServer {
  if (!isPlainObject(item)) throw invalid('must be an object {name, baseUrl, token?, timeoutMs?, paths?, tokens?}', index);
  for (const key of Object.keys(item)) {
    if (!SERVER_FIELDS.has(key)) throw invalid(`'${key}' is not a field of a callback server (${[...SERVER_FIELDS].join(', ')})`, index);
  }
  const name = item.name ?? `callback-server-${index + 1}`;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw invalid('name must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit', index);
  }
  const baseUrl = item.baseUrl ?? null;
  if (baseUrl !== null) {
    if (typeof baseUrl !== 'string' || baseUrl.length > MAX_TEXT_LENGTH) throw invalid('baseUrl must be a text of at most 2048 characters', index);
    if (httpUrl(baseUrl) === null) throw invalid(`baseUrl '${baseUrl}' must be an http or https URL`, index);
  }
  const token = item.token ?? null;
  if (token !== null && (typeof token !== 'string' || token.length > MAX_TEXT_LENGTH)) throw invalid('token must be a text of at most 2048 characters', index);
  const timeoutMs = item.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw invalid(`timeoutMs must be a positive number of milliseconds, at most ${MAX_TIMEOUT_MS}`, index);
  }
  const paths = readMethodTexts(item.paths, 'paths', index);
  const tokens = readMethodTexts(item.tokens, 'tokens', index);
  const resolved = {} as Record<CallbackMethod, string>;
  for (const method of CALLBACK_METHODS) {
    const path = paths[method];
    const byDefault = baseUrl !== null && (CLASSIC_CALLBACK_METHODS as readonly string[]).includes(method) ? method : '';
    resolved[method] = path === undefined ? byDefault : path;
    if (path === undefined || path === '') continue;
    if (isAbsoluteUrl(path)) {
      if (httpUrl(path) === null) throw invalid(`paths.${method} '${path}' is not a valid http or https URL`, index);
    } else if (baseUrl === null) {
      throw invalid(`paths.${method} '${path}' is a path, but the server has no baseUrl: give an absolute URL or a baseUrl`, index);
    }
  }
  for (const [method, methodToken] of Object.entries(tokens) as [CallbackMethod, string][]) {
    if (methodToken === '') throw invalid(`tokens.${method} must not be empty (leave it out to use the server's token)`, index);
  }
  if (baseUrl === null && CALLBACK_METHODS.every((method) => resolved[method] === '')) {
    throw invalid('give a baseUrl, or an absolute URL in paths for at least one method', index);
  }
  return { name, source: 'setting', baseUrl, token, timeoutMs, paths: resolved, tokens };
}

/** `paths` or `tokens`: an object of texts keyed by method name. */
function readMethodTexts(value: JsonValue | undefined, field: 'paths' | 'tokens', index: number): Partial<Record<CallbackMethod, string>> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw invalid(`${field} must be an object keyed by method name`, index);
  const read: Partial<Record<CallbackMethod, string>> = {};
  for (const [key, text] of Object.entries(value)) {
    if (!isCallbackMethod(key)) throw invalid(`${field}.${key} is not a Callback API method (${CALLBACK_METHODS.join(', ')})`, index);
    if (typeof text !== 'string' || text.length > MAX_TEXT_LENGTH) throw invalid(`${field}.${key} must be a text of at most 2048 characters`, index);
    read[key] = text.trim();
  }
  return read;
}

/** Reads the setting's JSON (an array of servers); throws WM_CONFIG_INVALID naming the bad field. */
export function parseCallbackServers(value: JsonValue | null | undefined): CallbackServer[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new WaymarkError('WM_CONFIG_INVALID', `Setting ${CALLBACK_SERVERS_SETTING} must be an array of {name, baseUrl, token?, timeoutMs?, paths?, tokens?}`, {
      setting: CALLBACK_SERVERS_SETTING,
    });
  }
  const servers = value.map((item, index) => parseCallbackServer(item, index));
  const seen = new Set<string>();
  servers.forEach((server, index) => {
    const key = server.name.toLowerCase();
    if (seen.has(key) || key === ENVIRONMENT_SERVER_NAME) throw invalid(`the name '${server.name}' is taken`, index);
    seen.add(key);
  });
  return servers;
}

/** The servers from the setting, then the one from `WAYMARK_CALLBACK_URL` when set. */
export function callbackServersFrom(setting: JsonValue | null | undefined, env: Readonly<Record<string, string | undefined>>): CallbackServer[] {
  const servers = parseCallbackServers(setting);
  const url = env.WAYMARK_CALLBACK_URL?.trim();
  if (url) {
    const token = env.WAYMARK_CALLBACK_TOKEN?.trim();
    let fromEnv: CallbackServer;
    try {
      fromEnv = parseCallbackServer({ name: ENVIRONMENT_SERVER_NAME, baseUrl: url, ...(token ? { token } : {}) }, servers.length);
    } catch (error) {
      throw new WaymarkError('WM_CONFIG_INVALID', `WAYMARK_CALLBACK_URL '${url}' must be an http or https URL`, { setting: 'WAYMARK_CALLBACK_URL' }, { cause: error });
    }
    servers.push({ ...fromEnv, source: 'environment' });
  }
  return servers;
}

/** The URL of `method` on `server`, or null when the method is off there. */
export function methodUrl(server: CallbackServer, method: CallbackMethod): string | null {
  const path = server.paths[method];
  if (path === '') return null;
  if (isAbsoluteUrl(path)) return new URL(path).href;
  // parseCallbackServer refuses a relative path without a base URL.
  const base = server.baseUrl!.endsWith('/') ? server.baseUrl! : `${server.baseUrl!}/`;
  return new URL(path.replace(/^\//, ''), base).href;
}

/** The token sent with `method`: its own, else the server's. */
export function methodToken(server: CallbackServer, method: CallbackMethod): string | null {
  return server.tokens[method] ?? server.token;
}
