/**
 * The Callback API client: asks the configured callback servers for the actions, conditions and
 * actor rules that are not built in, runs them there, and sends process notifications.
 */
import { WaymarkError } from '../errors/index.js';
import type { ExternalCallContext, JsonValue } from '../engine/types.js';
import type { Clock } from '../services/clock.js';
import { HostAllowlist, sendOutbound } from '../actions/outbound-http.js';
import { methodUrl, type CallbackMethod, type CallbackServer } from './callback-servers.js';

/** The list methods, by what they list. */
const LIST_METHOD = { Action: 'getactions', Condition: 'getconditions', 'Actor rule': 'getrules' } as const;
type ProvidedKind = keyof typeof LIST_METHOD;

/** What the client needs. */
export interface CallbackClientOptions {
  /** The configured servers (read on each call, so setting changes apply). */
  readonly servers: () => Promise<readonly CallbackServer[]>;
  readonly clock: Clock;
  /** How long a server's answer to getactions/getconditions/getrules is kept. Default 5 minutes. */
  readonly listCacheMs?: number;
  /** Largest answer accepted. Default 1 MiB. */
  readonly maxResponseBytes?: number;
}

/** The Callback API answer envelope. */
interface CallbackAnswer {
  readonly success: boolean;
  readonly data?: JsonValue;
  readonly message?: string;
}

/** Calls callback servers. */
export class CallbackClient {
  private readonly lists = new Map<string, { readonly names: ReadonlySet<string>; readonly until: number }>();

  constructor(private readonly options: CallbackClientOptions) {}

  /** True when at least one server is configured. */
  async hasServers(): Promise<boolean> {
    return (await this.options.servers()).length > 0;
  }

  /** True when some server has a path for `method`. */
  async anyServerHandles(method: CallbackMethod): Promise<boolean> {
    return (await this.options.servers()).some((s) => s.paths[method] !== '');
  }

  /** Runs an action on the first server that lists it; returns the parameters it sets. */
  async executeAction(name: string, parameter: string | null, context: ExternalCallContext): Promise<Record<string, JsonValue>> {
    const server = await this.serverProviding('Action', name, context.instance.schemeCode);
    const data = await this.call(server, 'executeaction', name, {
      name,
      parameter,
      processInstance: processInstanceJson(context),
      token: server.token,
    });
    if (data === null || data === undefined) return {};
    if (typeof data !== 'object' || Array.isArray(data)) throw badAnswer(server, 'executeaction', name, 'data is not an object of parameters');
    return data;
  }

  /** Evaluates a condition on the first server that lists it. */
  async executeCondition(name: string, parameter: string | null, context: ExternalCallContext): Promise<boolean> {
    const server = await this.serverProviding('Condition', name, context.instance.schemeCode);
    const data = await this.call(server, 'executecondition', name, {
      name,
      parameter,
      processInstance: processInstanceJson(context),
      token: server.token,
    });
    if (typeof data !== 'boolean') throw badAnswer(server, 'executecondition', name, 'data is not true or false');
    return data;
  }

  /** Checks an actor rule for one identity. */
  async checkRule(rule: string, value: string | null, identityId: string, context: ExternalCallContext): Promise<boolean> {
    const server = await this.serverProviding('Actor rule', rule, context.instance.schemeCode);
    const data = await this.call(server, 'checkrule', rule, {
      name: rule,
      parameter: value,
      processInstance: processInstanceJson(context),
      identityId,
      token: server.token,
    });
    if (typeof data !== 'boolean') throw badAnswer(server, 'checkrule', rule, 'data is not true or false');
    return data;
  }

  /** Who satisfies an actor rule (for the inbox). */
  async getIdentities(rule: string, value: string | null, context: ExternalCallContext): Promise<readonly string[]> {
    const server = await this.serverProviding('Actor rule', rule, context.instance.schemeCode);
    const data = await this.call(server, 'getidentities', rule, {
      name: rule,
      parameter: value,
      processInstance: processInstanceJson(context),
      token: server.token,
    });
    if (!Array.isArray(data) || data.some((id) => typeof id !== 'string')) throw badAnswer(server, 'getidentities', rule, 'data is not an array of identity ids');
    return data as string[];
  }

  /** Sends a notification to every server that has a path for it; throws when one fails. */
  async notify(method: 'processstatuschanged' | 'processactivitychanged', payload: JsonValue): Promise<void> {
    for (const server of await this.options.servers()) {
      if (server.paths[method] === '') continue;
      const body = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? { ...payload, token: server.token } : payload;
      await this.call(server, method, null, body);
    }
  }

  /** The first server whose list of `kind` names `name` (lists cached for `listCacheMs`). */
  private async serverProviding(kind: ProvidedKind, name: string, schemeCode: string): Promise<CallbackServer> {
    const servers = await this.options.servers();
    if (servers.length === 0) {
      throw new WaymarkError('WM_EXTERNAL_UNAVAILABLE', `${kind} '${name}' is not built into Waymark and no callback server is configured to provide it`, { kind, name });
    }
    const method = LIST_METHOD[kind];
    for (const server of servers) {
      if (server.paths[method] === '') continue;
      if ((await this.listOf(server, method, schemeCode)).has(name)) return server;
    }
    throw new WaymarkError(
      'WM_EXTERNAL_UNAVAILABLE',
      `${kind} '${name}' is not built into Waymark and no configured callback server lists it in ${method} (asked: ${servers.map((s) => s.baseUrl).join(', ')})`,
      { kind, name, schemeCode },
    );
  }

  private async listOf(server: CallbackServer, method: CallbackMethod, schemeCode: string): Promise<ReadonlySet<string>> {
    const key = `${server.baseUrl}\n${method}\n${schemeCode}`;
    const now = this.options.clock.now().getTime();
    const cached = this.lists.get(key);
    if (cached && cached.until > now) return cached.names;
    const data = await this.call(server, method, null, undefined, { schemeCode });
    if (!Array.isArray(data) || data.some((n) => typeof n !== 'string')) throw badAnswer(server, method, null, 'data is not an array of names');
    const names = new Set(data as string[]);
    this.lists.set(key, { names, until: now + (this.options.listCacheMs ?? 5 * 60_000) });
    return names;
  }

  /** One call: GET with a query, or POST with a JSON body; returns the answer's `data`. */
  private async call(server: CallbackServer, method: CallbackMethod, name: string | null, body: JsonValue | undefined, query?: Record<string, string>): Promise<JsonValue | undefined> {
    const url = new URL(methodUrl(server, method));
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (server.token) headers.authorization = `Bearer ${server.token}`;
    const what = `${method}${name === null ? '' : ` '${name}'`}`;
    let response;
    try {
      response = await sendOutbound({
        url: url.href,
        method: body === undefined ? 'GET' : 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        timeoutMs: server.timeoutMs,
        ...(this.options.maxResponseBytes === undefined ? {} : { maxResponseBytes: this.options.maxResponseBytes }),
        // A configured callback server is allowed implicitly, at whatever address it resolves to.
        allowlist: HostAllowlist.configured(url),
        purpose: `Callback server ${server.baseUrl} (${what})`,
      });
    } catch (error) {
      if (error instanceof WaymarkError) {
        throw new WaymarkError('WM_ACTION_FAILED', error.message, { server: server.baseUrl, method, name }, { cause: error });
      }
      throw error;
    }
    if (response.status < 200 || response.status >= 300) {
      throw new WaymarkError('WM_ACTION_FAILED', `Callback server ${server.baseUrl} answered ${response.status} for ${what}`, {
        server: server.baseUrl,
        method,
        name,
        status: response.status,
      });
    }
    let answer: CallbackAnswer;
    try {
      answer = JSON.parse(response.body) as CallbackAnswer;
    } catch {
      throw badAnswer(server, method, name, 'the answer is not JSON');
    }
    if (answer === null || typeof answer !== 'object' || typeof answer.success !== 'boolean') throw badAnswer(server, method, name, 'the answer has no success field');
    if (!answer.success) {
      throw new WaymarkError('WM_ACTION_FAILED', `Callback server ${server.baseUrl} refused ${what}${answer.message ? `: ${answer.message}` : ''}`, {
        server: server.baseUrl,
        method,
        name,
      });
    }
    return answer.data;
  }
}

function badAnswer(server: CallbackServer, method: CallbackMethod, name: string | null, reason: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', `Callback server ${server.baseUrl} gave a bad answer to ${method}${name === null ? '' : ` '${name}'`}: ${reason}`, {
    server: server.baseUrl,
    method,
    name,
  });
}

function processInstanceJson(context: ExternalCallContext): JsonValue {
  const instance = JSON.parse(JSON.stringify(context.instance)) as Record<string, JsonValue>;
  return { ...instance, processParameters: { ...context.parameters }, identityId: context.identityId };
}
