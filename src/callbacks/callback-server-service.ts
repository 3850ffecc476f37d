/**
 * Configuring callback servers: list, add, change, remove and test them (the CLI's `waymark
 * callbacks …` and the admin API's `/admin/api/callback-servers` both call this). Changes are
 * written to the store setting `callbackServers` whole, after the new list was validated, so a
 * refused change leaves the setting as it was. Tokens are never shown, only whether one is set.
 */
import { WaymarkError } from '../errors/index.js';
import type { JsonValue } from '../engine/types.js';
import type { Clock } from '../services/clock.js';
import type { SettingsStore } from '../store/store.js';
import { CallbackClient, type CallbackTestResult } from './callback-client.js';
import {
  CALLBACK_METHODS,
  CALLBACK_SERVERS_SETTING,
  OPT_IN_CALLBACK_METHODS,
  callbackServersFrom,
  isCallbackMethod,
  methodUrl,
  parseCallbackServers,
  type CallbackMethod,
  type CallbackServer,
} from './callback-servers.js';

/** A new callback server. */
export interface CallbackServerInput {
  readonly name: string;
  readonly baseUrl?: string | null;
  readonly token?: string | null;
  readonly timeoutMs?: number;
  /** Path (under baseUrl) or absolute URL by method; empty turns a method off. */
  readonly paths?: Readonly<Record<string, string>>;
  /** Token by method, used instead of the server's. */
  readonly tokens?: Readonly<Record<string, string>>;
  /** Also call the methods that are off by default (generate, processlog, the parameter provider) at their default paths. */
  readonly allMethods?: boolean;
}

/** What to change of a callback server; a field left out stays as it is. */
export interface CallbackServerChanges {
  /** A new name. */
  readonly name?: string;
  /** Null removes the base URL (every method then needs an absolute URL). */
  readonly baseUrl?: string | null;
  /** Null removes the server's token. */
  readonly token?: string | null;
  readonly timeoutMs?: number;
  /** By method: a path or URL, empty to turn it off, null for its default. */
  readonly paths?: Readonly<Record<string, string | null>>;
  /** By method: a token, or null to use the server's again. */
  readonly tokens?: Readonly<Record<string, string | null>>;
  readonly allMethods?: boolean;
}

/** One method of a server as shown. */
export interface CallbackMethodView {
  readonly method: CallbackMethod;
  /** The configured path or URL; empty when the method is off on this server. */
  readonly path: string;
  /** Where it is sent, or null when it is off. */
  readonly url: string | null;
  /** Whether this method has a token of its own. */
  readonly hasOwnToken: boolean;
}

/** A callback server as shown (never its tokens). */
export interface CallbackServerView {
  readonly name: string;
  /** `environment`: configured by WAYMARK_CALLBACK_URL, changed only there. */
  readonly source: 'setting' | 'environment';
  readonly baseUrl: string | null;
  readonly timeoutMs: number;
  readonly hasToken: boolean;
  readonly methods: readonly CallbackMethodView[];
}

/** What the service needs. */
export interface CallbackServerServiceOptions {
  readonly settings: Pick<SettingsStore, 'getSetting' | 'setSetting'>;
  /** Where WAYMARK_CALLBACK_URL and WAYMARK_CALLBACK_TOKEN are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
}

type RawServer = { [key: string]: JsonValue };

/** Lists, adds, changes, removes and tests callback servers. */
export class CallbackServerService {
  constructor(private readonly options: CallbackServerServiceOptions) {}

  /** Every server: those of the setting, then the one from WAYMARK_CALLBACK_URL. */
  async list(): Promise<CallbackServerView[]> {
    return (await this.servers()).map(viewOf);
  }

  /** One server by name (letter case ignored); WM_CALLBACK_SERVER_NOT_FOUND when there is none. */
  async get(name: string): Promise<CallbackServerView> {
    return viewOf(await this.server(name));
  }

  /** Adds a server; WM_CALLBACK_SERVER_EXISTS when its name is taken, WM_INPUT_INVALID naming a bad field. */
  async add(input: CallbackServerInput): Promise<CallbackServerView> {
    const name = requireName(input.name);
    const servers = await this.servers();
    if (servers.some((server) => sameName(server.name, name))) throw exists(name);
    const raw: RawServer = { name };
    if (input.baseUrl !== undefined && input.baseUrl !== null) raw.baseUrl = input.baseUrl;
    if (input.token !== undefined && input.token !== null) raw.token = input.token;
    if (input.timeoutMs !== undefined) raw.timeoutMs = input.timeoutMs;
    const paths = { ...(input.allMethods ? defaultOptInPaths() : {}), ...checkedMethodKeys(input.paths, 'paths') };
    if (Object.keys(paths).length > 0) raw.paths = paths;
    const tokens = checkedMethodKeys(input.tokens, 'tokens');
    if (Object.keys(tokens).length > 0) raw.tokens = tokens;
    const written = await this.write([...(await this.rawServers()), raw], name);
    return viewOf(written);
  }

  /** Changes a server of the setting; a server from the environment is changed there only. */
  async change(name: string, changes: CallbackServerChanges): Promise<CallbackServerView> {
    const target = await this.server(name);
    if (target.source === 'environment') {
      throw new WaymarkError('WM_INPUT_INVALID', `Callback server '${target.name}' comes from WAYMARK_CALLBACK_URL; change that variable instead`, { name: target.name });
    }
    const raws = await this.rawServers();
    const index = raws.findIndex((raw) => sameName(String(raw.name), target.name));
    const raw: RawServer = { ...raws[index]! };
    const newName = changes.name === undefined ? target.name : requireName(changes.name);
    if (!sameName(newName, target.name) && (await this.servers()).some((server) => sameName(server.name, newName))) throw exists(newName);
    raw.name = newName;
    setOrRemove(raw, 'baseUrl', changes.baseUrl);
    setOrRemove(raw, 'token', changes.token);
    if (changes.timeoutMs !== undefined) raw.timeoutMs = changes.timeoutMs;
    const paths = { ...(raw.paths as Record<string, JsonValue> | undefined) };
    if (changes.allMethods) for (const [method, path] of Object.entries(defaultOptInPaths())) if (!Object.hasOwn(paths, method)) paths[method] = path;
    mergeMethodValues(paths, changes.paths, 'paths');
    replaceOrDrop(raw, 'paths', paths);
    const tokens = { ...(raw.tokens as Record<string, JsonValue> | undefined) };
    mergeMethodValues(tokens, changes.tokens, 'tokens');
    replaceOrDrop(raw, 'tokens', tokens);
    const next = [...raws];
    next[index] = raw;
    return viewOf(await this.write(next, newName));
  }

  /** Removes a server of the setting. */
  async remove(name: string): Promise<void> {
    const target = await this.server(name);
    if (target.source === 'environment') {
      throw new WaymarkError('WM_INPUT_INVALID', `Callback server '${target.name}' comes from WAYMARK_CALLBACK_URL; unset that variable instead`, { name: target.name });
    }
    const raws = await this.rawServers();
    await this.write(raws.filter((raw) => !sameName(String(raw.name), target.name)), null);
  }

  /** Sends the test requests of {@link CallbackClient.test} to one server. */
  async test(name: string, schemeCode = ''): Promise<readonly CallbackTestResult[]> {
    const server = await this.server(name);
    const client = new CallbackClient({ servers: async () => [server], clock: this.options.clock, listCacheMs: 0 });
    return client.test(server, schemeCode);
  }

  private async servers(): Promise<CallbackServer[]> {
    return callbackServersFrom(await this.options.settings.getSetting(CALLBACK_SERVERS_SETTING), this.options.env);
  }

  private async server(name: string): Promise<CallbackServer> {
    const found = (await this.servers()).find((server) => sameName(server.name, name));
    if (!found) throw new WaymarkError('WM_CALLBACK_SERVER_NOT_FOUND', `Callback server '${name}' is not configured`, { name });
    return found;
  }

  /** The setting's servers as stored, each with its name written out. */
  private async rawServers(): Promise<RawServer[]> {
    const setting = await this.options.settings.getSetting(CALLBACK_SERVERS_SETTING);
    const parsed = parseCallbackServers(setting);
    return (Array.isArray(setting) ? setting : []).map((item, index) => ({ ...(item as RawServer), name: parsed[index]!.name }));
  }

  /** Validates the whole list, then stores it; returns the server named `name` as parsed. */
  private async write(raws: RawServer[], name: string | null): Promise<CallbackServer> {
    let parsed: CallbackServer[];
    try {
      parsed = parseCallbackServers(raws);
    } catch (error) {
      if (error instanceof WaymarkError && error.code === 'WM_CONFIG_INVALID' && typeof error.context.index === 'number') {
        const server = raws[error.context.index];
        throw new WaymarkError('WM_INPUT_INVALID', `Callback server '${String(server?.name)}': ${String(error.context.problem)}`, { name: typeof server?.name === 'string' ? server.name : null });
      }
      throw error;
    }
    await this.options.settings.setSetting(CALLBACK_SERVERS_SETTING, raws);
    return parsed.find((server) => name !== null && sameName(server.name, name)) ?? parsed[0]!;
  }
}

function viewOf(server: CallbackServer): CallbackServerView {
  return {
    name: server.name,
    source: server.source,
    baseUrl: server.baseUrl,
    timeoutMs: server.timeoutMs,
    hasToken: server.token !== null,
    methods: CALLBACK_METHODS.map((method) => ({ method, path: server.paths[method], url: methodUrl(server, method), hasOwnToken: server.tokens[method] !== undefined })),
  };
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function requireName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new WaymarkError('WM_INPUT_MISSING', 'A callback server needs a name', { field: 'name' });
  return name.trim();
}

function exists(name: string): WaymarkError {
  return new WaymarkError('WM_CALLBACK_SERVER_EXISTS', `A callback server named '${name}' is already configured`, { name });
}

function defaultOptInPaths(): Record<string, string> {
  return Object.fromEntries(OPT_IN_CALLBACK_METHODS.map((method) => [method, method]));
}

/** `paths`/`tokens` of an input with only Callback API methods as keys. */
function checkedMethodKeys(values: Readonly<Record<string, string>> | undefined, field: string): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [method, value] of Object.entries(values ?? {})) {
    if (!isCallbackMethod(method)) throw notAMethod(field, method);
    checked[method] = value;
  }
  return checked;
}

function mergeMethodValues(target: Record<string, JsonValue>, changes: Readonly<Record<string, string | null>> | undefined, field: string): void {
  for (const [method, value] of Object.entries(changes ?? {})) {
    if (!isCallbackMethod(method)) throw notAMethod(field, method);
    if (value === null) delete target[method];
    else target[method] = value;
  }
}

function notAMethod(field: string, method: string): WaymarkError {
  return new WaymarkError('WM_INPUT_INVALID', `${field}.${method} is not a Callback API method (${CALLBACK_METHODS.join(', ')})`, { field: `${field}.${method}` });
}

function setOrRemove(raw: RawServer, field: string, value: string | null | undefined): void {
  if (value === undefined) return;
  if (value === null) delete raw[field];
  else raw[field] = value;
}

function replaceOrDrop(raw: RawServer, field: string, values: Record<string, JsonValue>): void {
  if (Object.keys(values).length === 0) delete raw[field];
  else raw[field] = values;
}
