/**
 * Callback server configuration: the store setting `callbackServers` and, for automation, the
 * environment variable `WAYMARK_CALLBACK_URL` (one server, default paths).
 */
import { WaymarkError } from '../errors/index.js';
import type { JsonValue } from '../engine/types.js';

/** The Callback API methods, each with its own path. */
export const CALLBACK_METHODS = [
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
/** One Callback API method. */
export type CallbackMethod = (typeof CALLBACK_METHODS)[number];

/** One callback server. */
export interface CallbackServer {
  /** e.g. `http://127.0.0.1:5000/callback` (paths are appended). */
  readonly baseUrl: string;
  readonly token: string | null;
  readonly timeoutMs: number;
  /** The path of each method; a method whose path is empty is not called on this server. */
  readonly paths: Readonly<Record<CallbackMethod, string>>;
}

/** The name of the store setting. */
export const CALLBACK_SERVERS_SETTING = 'callbackServers';
/** Default timeout of a callback call. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 10_000;

function invalid(message: string, index: number): WaymarkError<'WM_CONFIG_INVALID'> {
  return new WaymarkError('WM_CONFIG_INVALID', `Setting ${CALLBACK_SERVERS_SETTING}[${index}]: ${message}`, { setting: CALLBACK_SERVERS_SETTING, index });
}

/** Reads the setting's JSON (an array of servers); throws WM_CONFIG_INVALID naming the bad field. */
export function parseCallbackServers(value: JsonValue | null | undefined): CallbackServer[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new WaymarkError('WM_CONFIG_INVALID', `Setting ${CALLBACK_SERVERS_SETTING} must be an array of {baseUrl, token?, timeoutMs?, paths?}`, { setting: CALLBACK_SERVERS_SETTING });
  }
  return value.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw invalid('must be an object {baseUrl, token?, timeoutMs?, paths?}', index);
    const baseUrl = item.baseUrl;
    if (typeof baseUrl !== 'string') throw invalid('baseUrl is missing', index);
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw invalid(`baseUrl '${baseUrl}' is not a valid URL`, index);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid(`baseUrl '${baseUrl}' must be http or https`, index);
    const token = item.token;
    if (token !== undefined && token !== null && typeof token !== 'string') throw invalid('token must be a string', index);
    const timeoutMs = item.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalid('timeoutMs must be a positive number', index);
    const paths = item.paths ?? {};
    if (paths === null || typeof paths !== 'object' || Array.isArray(paths)) throw invalid('paths must be an object', index);
    const resolved = {} as Record<CallbackMethod, string>;
    for (const method of CALLBACK_METHODS) {
      const path = (paths as Record<string, JsonValue>)[method];
      if (path !== undefined && path !== null && typeof path !== 'string') throw invalid(`paths.${method} must be a string`, index);
      resolved[method] = path === undefined || path === null ? method : path;
    }
    for (const key of Object.keys(paths)) {
      if (!(CALLBACK_METHODS as readonly string[]).includes(key)) throw invalid(`paths.${key} is not a Callback API method (${CALLBACK_METHODS.join(', ')})`, index);
    }
    return { baseUrl, token: token ?? null, timeoutMs, paths: resolved };
  });
}

/** The servers from the setting, then the one from `WAYMARK_CALLBACK_URL` when set. */
export function callbackServersFrom(setting: JsonValue | null | undefined, env: Readonly<Record<string, string | undefined>>): CallbackServer[] {
  const servers = parseCallbackServers(setting);
  const url = env.WAYMARK_CALLBACK_URL?.trim();
  if (url) {
    const [fromEnv] = parseCallbackServers([{ baseUrl: url, ...(env.WAYMARK_CALLBACK_TOKEN ? { token: env.WAYMARK_CALLBACK_TOKEN } : {}) }]);
    if (fromEnv) servers.push(fromEnv);
  }
  return servers;
}

/** The URL of `method` on `server`. */
export function methodUrl(server: CallbackServer, method: CallbackMethod): string {
  const base = server.baseUrl.endsWith('/') ? server.baseUrl : `${server.baseUrl}/`;
  return new URL(server.paths[method].replace(/^\//, ''), base).href;
}
