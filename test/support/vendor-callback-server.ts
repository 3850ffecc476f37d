/**
 * A callback server written to the vendor's documented Callback API contract, as a team moving
 * to Waymark would have written it for the vendor's server — and nothing of Waymark's own: it
 * reads `processInstance.Id` and the other PascalCase fields, status names, the token in the
 * query of GET list calls and in the body of POSTs, and answers `{success, data, error, message}`.
 *
 * It listens on the vendor sample's paths (`/Api/GetActions`, `/Api/ExecuteAction`, …, matched
 * without regard to letter case, as ASP.NET routes) on 127.0.0.1, port 0. Every request is
 * checked against the contract; a violation is answered `success: false` and recorded in
 * `violations`, so a test asserts that list is empty.
 */
import type { TestContext } from 'node:test';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The vendor's ProcessInstance, as its sample callback server's model declares it. */
export interface VendorProcessInstance {
  readonly Id: string;
  readonly StateName: string | null;
  readonly ActivityName: string | null;
  readonly SchemeId: string | null;
  readonly SchemeCode: string | null;
  readonly PreviousState: string | null;
  readonly PreviousStateForDirect: string | null;
  readonly PreviousStateForReverse: string | null;
  readonly PreviousActivity: string | null;
  readonly PreviousActivityForDirect: string | null;
  readonly PreviousActivityForReverse: string | null;
  readonly ParentProcessId: string | null;
  readonly RootProcessId: string | null;
  readonly IsDeterminingParametersChanged: boolean;
  /** A byte in the vendor's model: Initialized=0 … Error=5. */
  readonly InstanceStatus: number;
  readonly IsSubProcess: boolean;
  readonly TenantId: string | null;
  readonly ProcessParameters: Readonly<Record<string, unknown>> | null;
  readonly SubProcessIds: readonly string[] | null;
}

/** An actor rule: who satisfies it, and whether one identity does. */
export interface VendorRule {
  check(identityId: string | null, parameter: string | null, processInstance: VendorProcessInstance): boolean;
  identities(parameter: string | null, processInstance: VendorProcessInstance): string[];
}

/** The body of `generate`. */
export interface VendorGenerateRequest {
  readonly schemeCode: string;
  readonly schemeId: string;
  readonly parameters: unknown;
  readonly scheme: string;
}

/** The user's code the server hosts. */
export interface VendorCallbackHandlers {
  readonly actions?: Readonly<Record<string, (parameter: string | null, processInstance: VendorProcessInstance) => Record<string, unknown> | void>>;
  readonly conditions?: Readonly<Record<string, (parameter: string | null, processInstance: VendorProcessInstance) => boolean>>;
  readonly rules?: Readonly<Record<string, VendorRule>>;
  /** Parameters it keeps (the parameter provider), with the value each process starts with. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** The scheme generator: the scheme XML for a request. */
  readonly generate?: (request: VendorGenerateRequest) => string;
}

/** How the server is set up. */
export interface VendorCallbackServerOptions {
  /** The token every request must carry (query on GET, body on POST); none checked when absent. */
  readonly token?: string;
  readonly handlers: VendorCallbackHandlers;
  /** `raw` answers `generate` with the XML as the body, as the vendor's .NET sample does; `envelope` with `data`. */
  readonly generateAnswer?: 'raw' | 'envelope';
}

/** One request as the server understood it. */
export interface VendorCall {
  readonly method: string;
  readonly httpMethod: string;
  readonly schemeCode?: string;
  readonly name?: string;
  readonly processId?: string;
  readonly processInstance?: VendorProcessInstance;
  readonly authorization?: string;
}

/** The running server and what it saw. */
export interface VendorCallbackServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The base URL to configure in Waymark: `<origin>/Api`. */
  readonly baseUrl: string;
  readonly calls: VendorCall[];
  readonly statusChanges: { readonly processId: string; readonly schemeCode: string; readonly oldStatus: string; readonly newStatus: string; readonly processInstance: VendorProcessInstance }[];
  readonly activityChanges: {
    readonly processId: string;
    readonly previousActivityName: string;
    readonly currentActivityName: string;
    readonly transitionalProcessWasCompleted: boolean;
    readonly processInstance: VendorProcessInstance;
  }[];
  /** The entries of every `processlog` batch, in order. */
  readonly processLogs: Record<string, unknown>[];
  /** The parameter provider's values, by process id. */
  readonly parameterValues: Map<string, Record<string, unknown>>;
  /** Every way Waymark broke the contract. */
  readonly violations: string[];
}

const STATUS_NAMES = ['Initialized', 'Running', 'Idled', 'Finalized', 'Terminated', 'Error'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIST_METHODS = new Set(['getactions', 'getconditions', 'getrules', 'getparameternames']);

class ContractViolation extends Error {}

/** Starts the server; closed when the test ends. */
export async function startVendorCallbackServer(t: TestContext, options: VendorCallbackServerOptions): Promise<VendorCallbackServer> {
  const state: VendorCallbackServer = {
    origin: '',
    baseUrl: '',
    calls: [],
    statusChanges: [],
    activityChanges: [],
    processLogs: [],
    parameterValues: new Map(),
    violations: [],
  };
  const handlers = options.handlers;

  const valuesOf = (processId: string): Record<string, unknown> => {
    let values = state.parameterValues.get(processId);
    if (values === undefined) {
      values = { ...handlers.parameters };
      state.parameterValues.set(processId, values);
    }
    return values;
  };

  const answer = (method: string, httpMethod: string, query: URLSearchParams, body: Record<string, unknown> | null, authorization: string | undefined): unknown => {
    if (LIST_METHODS.has(method)) {
      if (httpMethod !== 'GET') throw new ContractViolation(`${method} must be a GET`);
      const schemeCode = query.get('schemeCode');
      if (!schemeCode) throw new ContractViolation(`${method} came without ?schemeCode=`);
      checkToken(options.token, query.get('token'), method, 'query');
      state.calls.push({ method, httpMethod, schemeCode, ...(authorization === undefined ? {} : { authorization }) });
      switch (method) {
        case 'getactions':
          return Object.keys(handlers.actions ?? {});
        case 'getconditions':
          return Object.keys(handlers.conditions ?? {});
        case 'getrules':
          return Object.keys(handlers.rules ?? {});
        default:
          return Object.keys(handlers.parameters ?? {});
      }
    }
    if (httpMethod !== 'POST' || body === null) throw new ContractViolation(`${method} must be a POST with a JSON body`);
    checkToken(options.token, body.token, method, 'body');
    if (method === 'generate') {
      const request = generateRequestOf(body);
      state.calls.push({ method, httpMethod, schemeCode: request.schemeCode });
      if (!handlers.generate) throw new ContractViolation('generate was called but this server generates no scheme');
      return { generated: handlers.generate(request) };
    }
    if (method === 'processlog') {
      if (!Array.isArray(body.processLogs)) throw new ContractViolation('processlog came without a processLogs array');
      state.calls.push({ method, httpMethod });
      state.processLogs.push(...(body.processLogs as Record<string, unknown>[]));
      return null;
    }
    const processInstance = processInstanceOf(body.processInstance, method);
    const call = { method, httpMethod, processInstance, processId: processInstance.Id, ...(typeof body.name === 'string' ? { name: body.name } : {}) };
    state.calls.push(call);
    const parameter = typeof body.parameter === 'string' ? body.parameter : null;
    switch (method) {
      case 'executeaction': {
        const action = handlers.actions?.[requiredText(body.name, 'name', method)];
        if (!action) throw new ContractViolation(`executeaction for an action this server did not list: ${String(body.name)}`);
        return action(parameter, processInstance) ?? null;
      }
      case 'executecondition': {
        const condition = handlers.conditions?.[requiredText(body.name, 'name', method)];
        if (!condition) throw new ContractViolation(`executecondition for a condition this server did not list: ${String(body.name)}`);
        return condition(parameter, processInstance);
      }
      case 'checkrule': {
        const rule = handlers.rules?.[requiredText(body.name, 'name', method)];
        if (!rule) throw new ContractViolation(`checkrule for a rule this server did not list: ${String(body.name)}`);
        return rule.check(typeof body.identityId === 'string' ? body.identityId : null, parameter, processInstance);
      }
      case 'getidentities': {
        const rule = handlers.rules?.[requiredText(body.name, 'name', method)];
        if (!rule) throw new ContractViolation(`getidentities for a rule this server did not list: ${String(body.name)}`);
        return rule.identities(parameter, processInstance);
      }
      case 'processstatuschanged': {
        const [oldStatus, newStatus] = [statusName(body.oldStatus, 'oldStatus'), statusName(body.newStatus, 'newStatus')];
        processIdMatches(body, processInstance, method);
        state.statusChanges.push({ processId: processInstance.Id, schemeCode: requiredText(body.schemeCode, 'schemeCode', method), oldStatus, newStatus, processInstance });
        return null;
      }
      case 'processactivitychanged': {
        processIdMatches(body, processInstance, method);
        if (typeof body.transitionalProcessWasCompleted !== 'boolean') throw new ContractViolation('processactivitychanged came without transitionalProcessWasCompleted');
        state.activityChanges.push({
          processId: processInstance.Id,
          previousActivityName: requiredText(body.previousActivityName, 'previousActivityName', method),
          currentActivityName: requiredText(body.currentActivityName, 'currentActivityName', method),
          transitionalProcessWasCompleted: body.transitionalProcessWasCompleted,
          processInstance,
        });
        return null;
      }
      case 'getparameter': {
        processIdMatches(body, processInstance, method);
        const name = requiredText(body.name, 'name', method);
        if (!Object.hasOwn(handlers.parameters ?? {}, name)) throw new ContractViolation(`getparameter for a parameter this server did not list: ${name}`);
        return valuesOf(processInstance.Id)[name] ?? null;
      }
      case 'setparameter': {
        processIdMatches(body, processInstance, method);
        const name = requiredText(body.name, 'name', method);
        if (!Object.hasOwn(handlers.parameters ?? {}, name)) throw new ContractViolation(`setparameter for a parameter this server did not list: ${name}`);
        valuesOf(processInstance.Id)[name] = body.value;
        return null;
      }
      default:
        throw new ContractViolation(`no such Callback API method: ${method}`);
    }
  };

  const server = createServer((request, response) => {
    readBody(request).then(
      (text) => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const match = /^\/api\/([a-z]+)$/i.exec(url.pathname);
        if (!match) return send(response, 404, { success: false, data: null, error: 'NotFound', message: url.pathname });
        const method = match[1]!.toLowerCase();
        let body: Record<string, unknown> | null = null;
        try {
          if (text !== '') {
            if (!String(request.headers['content-type']).startsWith('application/json')) throw new ContractViolation(`${method} body is not application/json`);
            const parsed: unknown = JSON.parse(text);
            if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ContractViolation(`${method} body is not a JSON object`);
            body = parsed as Record<string, unknown>;
          }
          const data = answer(method, request.method ?? 'GET', url.searchParams, body, request.headers.authorization);
          if (method === 'generate' && data !== null && typeof data === 'object' && 'generated' in data) {
            const xml = (data as { generated: string }).generated;
            if ((options.generateAnswer ?? 'raw') === 'raw') {
              response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
              return response.end(xml);
            }
            return send(response, 200, { success: true, data: xml, error: null, message: null });
          }
          return send(response, 200, { success: true, data, error: null, message: null });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (error instanceof ContractViolation) state.violations.push(message);
          return send(response, 200, { success: false, data: null, error: error instanceof ContractViolation ? 'ContractViolation' : 'Exception', message });
        }
      },
      () => send(response, 400, { success: false, data: null, error: 'BadRequest', message: 'unreadable body' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return Object.assign(state, { origin, baseUrl: `${origin}/Api` });
}

function checkToken(expected: string | undefined, given: unknown, method: string, where: 'query' | 'body'): void {
  if (expected === undefined) return;
  if (given !== expected) throw new ContractViolation(`${method}: the token in the ${where} is ${given === undefined || given === null ? 'missing' : 'wrong'}`);
}

function requiredText(value: unknown, field: string, method: string): string {
  if (typeof value !== 'string' || value === '') throw new ContractViolation(`${method} came without ${field}`);
  return value;
}

function statusName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !STATUS_NAMES.includes(value)) throw new ContractViolation(`processstatuschanged: ${field} ${JSON.stringify(value)} is not a status name`);
  return value;
}

function processIdMatches(body: Record<string, unknown>, processInstance: VendorProcessInstance, method: string): void {
  if (body.processId !== processInstance.Id) throw new ContractViolation(`${method}: processId ${String(body.processId)} is not processInstance.Id ${processInstance.Id}`);
}

function guidOrNull(value: unknown, field: string): void {
  if (value !== null && !(typeof value === 'string' && GUID.test(value))) throw new ContractViolation(`processInstance.${field} ${JSON.stringify(value)} does not bind to Guid?`);
}

/** Binds `processInstance` as the vendor's .NET model would, refusing what would not bind. */
function processInstanceOf(value: unknown, method: string): VendorProcessInstance {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ContractViolation(`${method} came without a processInstance object`);
  const instance = value as Record<string, unknown>;
  if (typeof instance.Id !== 'string' || !GUID.test(instance.Id)) throw new ContractViolation(`${method}: processInstance.Id ${JSON.stringify(instance.Id)} does not bind to Guid`);
  for (const field of ['SchemeId', 'ParentProcessId', 'RootProcessId']) guidOrNull(instance[field] ?? null, field);
  for (const field of ['StateName', 'ActivityName', 'SchemeCode', 'PreviousState', 'PreviousStateForDirect', 'PreviousStateForReverse', 'PreviousActivity', 'PreviousActivityForDirect', 'PreviousActivityForReverse', 'TenantId']) {
    const text = instance[field];
    if (text !== undefined && text !== null && typeof text !== 'string') throw new ContractViolation(`processInstance.${field} is not a string`);
  }
  if (typeof instance.InstanceStatus !== 'number' || !Number.isInteger(instance.InstanceStatus) || instance.InstanceStatus < 0 || instance.InstanceStatus > 5) {
    throw new ContractViolation(`processInstance.InstanceStatus ${JSON.stringify(instance.InstanceStatus)} does not bind to byte`);
  }
  if (typeof instance.IsSubProcess !== 'boolean' || typeof instance.IsDeterminingParametersChanged !== 'boolean') {
    throw new ContractViolation('processInstance.IsSubProcess and IsDeterminingParametersChanged must be booleans');
  }
  const parameters = instance.ProcessParameters;
  if (parameters !== null && (typeof parameters !== 'object' || Array.isArray(parameters))) throw new ContractViolation('processInstance.ProcessParameters is not an object');
  const subProcessIds = instance.SubProcessIds;
  if (subProcessIds !== null && (!Array.isArray(subProcessIds) || subProcessIds.some((id) => typeof id !== 'string' || !GUID.test(id)))) {
    throw new ContractViolation('processInstance.SubProcessIds is not a list of GUIDs');
  }
  return instance as unknown as VendorProcessInstance;
}

function generateRequestOf(body: Record<string, unknown>): VendorGenerateRequest {
  const schemeCode = requiredText(body.schemeCode, 'schemeCode', 'generate');
  const schemeId = requiredText(body.schemeId, 'schemeId', 'generate');
  if (!GUID.test(schemeId)) throw new ContractViolation('generate: schemeId does not bind to Guid');
  const scheme = requiredText(body.scheme, 'scheme', 'generate');
  return { schemeCode, schemeId, parameters: body.parameters, scheme };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
