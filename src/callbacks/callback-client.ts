/**
 * The Callback API client: asks the configured callback servers for the actions, conditions,
 * actor rules and parameters that are not Waymark's own, runs them there, asks them to generate
 * schemes, and sends them process notifications — each body in the vendor's wire format.
 */
import { WaymarkError } from '../errors/index.js';
import type { ExternalCallContext, JsonValue } from '../engine/types.js';
import type { Clock } from '../services/clock.js';
import { HostAllowlist, sendOutbound } from '../actions/outbound-http.js';
import { callbackProcessInstanceShape, type CallbackProcessInstance } from '../vendor/index.js';
import { LIST_METHODS, methodToken, methodUrl, type CallbackMethod, type CallbackServer } from './callback-servers.js';

/** The list methods, by what they list. */
const LIST_METHOD = {
  Action: 'getactions',
  Condition: 'getconditions',
  'Actor rule': 'getrules',
  Parameter: 'getparameternames',
} as const satisfies Record<string, CallbackMethod>;
type ProvidedKind = keyof typeof LIST_METHOD;

/** The notifications, delivered from the outgoing messages queue after the step that caused them committed. */
export type NotificationMethod = 'processstatuschanged' | 'processactivitychanged' | 'processlog';

/** What the client needs. */
export interface CallbackClientOptions {
  /** The configured servers (read on each call, so setting changes apply). */
  readonly servers: () => Promise<readonly CallbackServer[]>;
  readonly clock: Clock;
  /** How long a server's answer to getactions/getconditions/getrules/getparameternames is kept. Default 5 minutes. */
  readonly listCacheMs?: number;
  /** Largest answer accepted. Default 1 MiB. */
  readonly maxResponseBytes?: number;
}

/** The process a parameter-provider call is about. */
export interface ParameterCallContext {
  readonly processId: string;
  readonly schemeCode: string;
  readonly processInstance: CallbackProcessInstance;
}

/** What `generate` sends: the scheme the instance asked for and the parameters to generate it with. */
export interface GenerateRequest {
  readonly schemeCode: string;
  readonly schemeId: string;
  readonly parameters: JsonValue;
  /** The stored scheme as vendor XML. */
  readonly scheme: string;
}

/** The outcome of one test request (`waymark callbacks test`). */
export interface CallbackTestResult {
  readonly method: CallbackMethod;
  /** The address asked, without the token. */
  readonly url: string;
  readonly ok: boolean;
  /** The answer's `data` when it succeeded. */
  readonly data?: JsonValue;
  /** Why it failed. */
  readonly error?: string;
}

/** The Callback API answer envelope. */
interface CallbackAnswer {
  readonly success: boolean;
  readonly data?: JsonValue;
  readonly error?: string | null;
  readonly message?: string | null;
}

/** A POST body before the token is added: JSON-serialisable fields. */
type CallbackBody = Readonly<Record<string, unknown>>;

/** An answer as it came: the envelope, or (for `generate`) the raw text. */
type RawAnswer = { readonly envelope: CallbackAnswer } | { readonly text: string };

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
    const data = await this.post(server, 'executeaction', name, { name, parameter, processInstance: processInstanceOf(context) });
    if (data === null || data === undefined) return {};
    if (typeof data !== 'object' || Array.isArray(data)) throw badAnswer(server, 'executeaction', name, 'data is not an object of parameters');
    return data;
  }

  /** Evaluates a condition on the first server that lists it. */
  async executeCondition(name: string, parameter: string | null, context: ExternalCallContext): Promise<boolean> {
    const server = await this.serverProviding('Condition', name, context.instance.schemeCode);
    const data = await this.post(server, 'executecondition', name, { name, parameter, processInstance: processInstanceOf(context) });
    if (typeof data !== 'boolean') throw badAnswer(server, 'executecondition', name, 'data is not true or false');
    return data;
  }

  /** Checks an actor rule for one identity. */
  async checkRule(rule: string, value: string | null, identityId: string, context: ExternalCallContext): Promise<boolean> {
    const server = await this.serverProviding('Actor rule', rule, context.instance.schemeCode);
    const data = await this.post(server, 'checkrule', rule, { name: rule, parameter: value, processInstance: processInstanceOf(context), identityId });
    if (typeof data !== 'boolean') throw badAnswer(server, 'checkrule', rule, 'data is not true or false');
    return data;
  }

  /** Who satisfies an actor rule (for the inbox). */
  async getIdentities(rule: string, value: string | null, context: ExternalCallContext): Promise<readonly string[]> {
    const server = await this.serverProviding('Actor rule', rule, context.instance.schemeCode);
    const data = await this.post(server, 'getidentities', rule, { name: rule, parameter: value, processInstance: processInstanceOf(context) });
    if (!Array.isArray(data) || data.some((id) => typeof id !== 'string')) throw badAnswer(server, 'getidentities', rule, 'data is not an array of identity ids');
    return data as string[];
  }

  /**
   * The names of the parameters the callback servers keep for `schemeCode` (getparameternames
   * of every server that has a path for it, cached like the other lists).
   */
  async parameterNames(schemeCode: string): Promise<ReadonlySet<string>> {
    const names = new Set<string>();
    for (const server of await this.options.servers()) {
      if (server.paths.getparameternames === '') continue;
      for (const name of await this.listOf(server, 'getparameternames', schemeCode)) names.add(name);
    }
    return names;
  }

  /** The value of a parameter kept by the first server that lists it. */
  async getParameter(name: string, context: ParameterCallContext): Promise<JsonValue> {
    const server = await this.serverProviding('Parameter', name, context.schemeCode);
    const data = await this.post(server, 'getparameter', name, { ...context, name });
    return data ?? null;
  }

  /** Writes a parameter kept by the first server that lists it. */
  async setParameter(name: string, value: JsonValue, context: ParameterCallContext): Promise<void> {
    const server = await this.serverProviding('Parameter', name, context.schemeCode);
    await this.post(server, 'setparameter', name, { ...context, name, value });
  }

  /** True when some server has a `generate` path. */
  async canGenerate(): Promise<boolean> {
    return this.anyServerHandles('generate');
  }

  /**
   * Asks the servers with a `generate` path, in order, for a scheme; the first that answers gives
   * it. The answer is the envelope with the scheme XML as `data`, or the XML itself as the body
   * (what the vendor's .NET sample sends).
   */
  async generate(request: GenerateRequest): Promise<string> {
    const servers = (await this.options.servers()).filter((server) => server.paths.generate !== '');
    if (servers.length === 0) {
      throw new WaymarkError(
        'WM_SCHEME_UNSUPPORTED',
        `Scheme '${request.schemeCode}' asks for a generated scheme (schemeParameters), but no callback server has a generate path`,
        { schemeCode: request.schemeCode },
      );
    }
    const failures: string[] = [];
    for (const server of servers) {
      try {
        const answer = await this.send(server, 'generate', null, { ...request }, { allowRawText: true });
        const scheme = 'text' in answer ? answer.text : answer.envelope.data;
        if (typeof scheme !== 'string' || scheme.trim() === '') throw badAnswer(server, 'generate', null, 'the answer holds no scheme text');
        return scheme;
      } catch (error) {
        if (!(error instanceof WaymarkError)) throw error;
        failures.push(error.message);
      }
    }
    throw new WaymarkError('WM_ACTION_FAILED', `No callback server generated scheme '${request.schemeCode}': ${failures.join('; ')}`, {
      schemeCode: request.schemeCode,
    });
  }

  /** Sends a notification to every server that has a path for it; throws when one fails. */
  async notify(method: NotificationMethod, payload: JsonValue): Promise<void> {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new WaymarkError('WM_INTERNAL', `A ${method} notification must be a JSON object`, { method });
    }
    for (const server of await this.options.servers()) {
      if (server.paths[method] === '') continue;
      await this.post(server, method, null, payload);
    }
  }

  /**
   * Test requests, as the vendor's Callback API page sends with its Test button: each list method
   * of `server` that has a path (GET, harmless) is asked for `schemeCode`. POST methods are not
   * sent: a test must not run a user's action.
   */
  async test(server: CallbackServer, schemeCode: string): Promise<readonly CallbackTestResult[]> {
    const results: CallbackTestResult[] = [];
    for (const method of LIST_METHODS) {
      const url = methodUrl(server, method);
      if (url === null) continue;
      try {
        const answer = await this.send(server, method, null, undefined, { query: { schemeCode } });
        results.push({ method, url, ok: true, data: 'envelope' in answer ? (answer.envelope.data ?? null) : null });
      } catch (error) {
        if (!(error instanceof WaymarkError)) throw error;
        results.push({ method, url, ok: false, error: error.message });
      }
    }
    return results;
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
      `${kind} '${name}' is not built into Waymark and no configured callback server lists it in ${method} (asked: ${servers.map((s) => s.name).join(', ')})`,
      { kind, name, schemeCode },
    );
  }

  private async listOf(server: CallbackServer, method: CallbackMethod, schemeCode: string): Promise<ReadonlySet<string>> {
    // Keyed by the address too: a server whose settings changed is asked again.
    const key = `${server.name}\n${methodUrl(server, method)}\n${schemeCode}`;
    const now = this.options.clock.now().getTime();
    const cached = this.lists.get(key);
    if (cached && cached.until > now) return cached.names;
    const answer = await this.send(server, method, null, undefined, { query: { schemeCode } });
    const data = 'envelope' in answer ? answer.envelope.data : undefined;
    if (!Array.isArray(data) || data.some((n) => typeof n !== 'string')) throw badAnswer(server, method, null, 'data is not an array of names');
    const names = new Set(data as string[]);
    this.lists.set(key, { names, until: now + (this.options.listCacheMs ?? 5 * 60_000) });
    return names;
  }

  /** A POST with a JSON body (the method's token added); returns the answer's `data`. */
  private async post(server: CallbackServer, method: CallbackMethod, name: string | null, body: CallbackBody): Promise<JsonValue | undefined> {
    const answer = await this.send(server, method, name, body);
    return 'envelope' in answer ? answer.envelope.data : undefined;
  }

  /**
   * One call: GET with `?…&token=…`, or POST with a JSON body carrying `token`; the token also goes
   * as `Authorization: Bearer`. A failure is WM_ACTION_FAILED naming the server and method, with
   * the token removed from its text.
   */
  private async send(
    server: CallbackServer,
    method: CallbackMethod,
    name: string | null,
    body: CallbackBody | undefined,
    options: { readonly query?: Record<string, string>; readonly allowRawText?: boolean } = {},
  ): Promise<RawAnswer> {
    const address = methodUrl(server, method);
    const what = `${method}${name === null ? '' : ` '${name}'`}`;
    if (address === null) {
      throw new WaymarkError('WM_ACTION_FAILED', `Callback server ${server.name} has no path for ${method}`, { server: server.name, method, name });
    }
    const token = methodToken(server, method);
    const url = new URL(address);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    if (body === undefined && token !== null) url.searchParams.set('token', token);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const hide = (text: string): string => (token === null ? text : text.replaceAll(token, '[Redacted]').replaceAll(encodeURIComponent(token), '[Redacted]'));
    let response;
    try {
      response = await sendOutbound({
        url: url.href,
        method: body === undefined ? 'GET' : 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify({ ...body, token }) }),
        timeoutMs: server.timeoutMs,
        ...(this.options.maxResponseBytes === undefined ? {} : { maxResponseBytes: this.options.maxResponseBytes }),
        // A configured callback server is allowed implicitly, at whatever address it resolves to.
        allowlist: HostAllowlist.configured(url),
        purpose: `Callback server ${server.name} (${what})`,
      });
    } catch (error) {
      // Not chained as the cause: the inner error's context holds the URL, with the token in its query.
      if (error instanceof WaymarkError) throw new WaymarkError('WM_ACTION_FAILED', hide(error.message), { server: server.name, method, name });
      throw error;
    }
    if (response.status < 200 || response.status >= 300) {
      throw new WaymarkError('WM_ACTION_FAILED', `Callback server ${server.name} (${url.origin}) answered ${response.status} for ${what}`, {
        server: server.name,
        method,
        name,
        status: response.status,
      });
    }
    let answer: unknown;
    try {
      answer = JSON.parse(response.body);
    } catch {
      if (options.allowRawText) return { text: response.body };
      throw badAnswer(server, method, name, 'the answer is not JSON');
    }
    if (options.allowRawText && typeof answer === 'string') return { text: answer };
    const unsafe = unsafeJson(answer, 0);
    if (unsafe !== null) throw badAnswer(server, method, name, unsafe);
    if (answer === null || typeof answer !== 'object' || typeof (answer as CallbackAnswer).success !== 'boolean') {
      throw badAnswer(server, method, name, 'the answer has no success field');
    }
    const envelope = answer as CallbackAnswer;
    if (!envelope.success) {
      const detail = [envelope.error, envelope.message].filter((text): text is string => typeof text === 'string' && text !== '').join(': ');
      throw new WaymarkError('WM_ACTION_FAILED', hide(`Callback server ${server.name} refused ${what}${detail ? `: ${detail}` : ''}`), {
        server: server.name,
        method,
        name,
      });
    }
    return { envelope };
  }
}

function badAnswer(server: CallbackServer, method: CallbackMethod, name: string | null, reason: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', `Callback server ${server.name} gave a bad answer to ${method}${name === null ? '' : ` '${name}'`}: ${reason}`, {
    server: server.name,
    method,
    name,
  });
}

/** Deepest nesting accepted in an answer: a value deeper than this is no process parameter. */
const MAX_ANSWER_DEPTH = 64;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why an answer's JSON is refused (a prototype key, or nesting too deep), or null. */
function unsafeJson(value: unknown, depth: number): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_ANSWER_DEPTH) return `it is nested deeper than ${MAX_ANSWER_DEPTH} levels`;
  for (const [key, item] of Object.entries(value)) {
    if (PROTOTYPE_KEYS.has(key)) return `it holds the key '${key}'`;
    const inner = unsafeJson(item, depth + 1);
    if (inner !== null) return inner;
  }
  return null;
}

/** The `processInstance` of a body about the process an action, condition or rule runs for. */
function processInstanceOf(context: ExternalCallContext): CallbackProcessInstance {
  return callbackProcessInstanceShape(context.instance, { parameters: context.parameters, subProcessIds: context.subprocessIds ?? [] });
}
