/**
 * Builds a fresh fastify app with the Workflow API over a real store (SQLite `:memory:`, or a fresh
 * PostgreSQL database when `WAYMARK_TEST_STORE=postgres`), a manual
 * clock and a test callback server that provides `JsonBackup`.
 */
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { TestContext } from 'node:test';
import { createAccessControl } from '../../src/access/index.js';
import { workflowApiPlugin, type WorkflowApiAccess } from '../../src/dialects/workflow-api/index.js';
import type { ExternalCalls, JsonValue } from '../../src/engine/types.js';
import { WaymarkError } from '../../src/errors/index.js';
import { ManualClock, UserService, WorkflowService } from '../../src/services/index.js';
import { FormService, InMemoryFormRecords } from '../../src/services/form-service.js';
import { InMemoryLogRecords, LogService } from '../../src/services/log-service.js';
import { checkEveryAnswer } from '../support/documented-responses.js';
import { storeFactoryFromEnvironment } from '../support/postgres.js';
import { projectSchemes } from '../support/scheme-fixtures.js';
import type { Store } from '../../src/store/store.js';

/** A fixture scheme's XML (test/fixtures/schemes/). */
export function fixtureXml(name: string): string {
  return projectSchemes.xml(name);
}

/** Calls the test callback server received. */
export interface CallbackLog {
  readonly actions: { name: string; parameter: string | null; processId: string }[];
  /** While true, JsonBackup fails (to drive an instance into Error). */
  failing: boolean;
}

/** A callback server that provides the `JsonBackup` action and nothing else. */
export function testCallbackServer(log: CallbackLog): ExternalCalls {
  const refuse = (kind: string, name: string): never => {
    throw new WaymarkError('WM_EXTERNAL_UNAVAILABLE', `${kind} '${name}' is not provided by the test callback server`);
  };
  return {
    executeAction: async (name, parameter, context) => {
      if (name !== 'JsonBackup') return refuse('Action', name);
      if (log.failing) throw new WaymarkError('WM_ACTION_FAILED', 'JsonBackup: the backup store is down');
      log.actions.push({ name, parameter, processId: context.instance.id });
      return undefined;
    },
    executeCondition: async (name) => refuse('Condition', name),
    checkRule: async (rule) => refuse('Actor rule', rule),
    getIdentities: async (rule) => refuse('Actor rule', rule),
  };
}

/** Everything a test talks to. */
export interface Harness {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly workflow: WorkflowService;
  readonly users: UserService;
  readonly logs: LogService;
  readonly forms: FormService;
  readonly clock: ManualClock;
  readonly callbacks: CallbackLog;
  readonly logLines: Record<string, unknown>[];
  /** POSTs JSON to a URL and returns the parsed envelope and status. */
  call(url: string, body?: Record<string, unknown>): Promise<{ status: number; body: Envelope }>;
}

/** The envelope as a test reads it (`code` only on failures). */
export interface Envelope {
  success: boolean;
  data: any;
  error: string | null;
  message: string | null;
  code?: string;
}

/** How a harness is protected: a given check, or the server's own access control in a mode. */
export interface HarnessOptions {
  readonly access?: WorkflowApiAccess;
  /** Protects the API with this API token (token mode), through the server's own access control. */
  readonly apiToken?: string;
  /** With `apiToken`: OpenID Connect bearer tokens instead of the token field. */
  readonly oidc?: boolean;
  readonly bodyLimit?: number;
}

/** A fresh app, closed when the test ends. */
export async function startHarness(t: TestContext, options: HarnessOptions = {}): Promise<Harness> {
  // SQLite :memory: by default; a fresh PostgreSQL database with WAYMARK_TEST_STORE=postgres.
  // The factory closes the store (and drops the database) when the test ends.
  const store = await storeFactoryFromEnvironment().open(t);
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const callbacks: CallbackLog = { actions: [], failing: false };
  let counter = 0;
  const workflow = new WorkflowService({
    store,
    clock,
    external: testCallbackServer(callbacks),
    newId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    callbackServerConfigured: true,
  });
  const users = new UserService(store, clock);
  const logLines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, destination);
  const logs = new LogService({ records: new InMemoryLogRecords(), logger, clock });
  const forms = new FormService(new InMemoryFormRecords(), workflow);
  let access = options.access;
  if (options.apiToken !== undefined) {
    const control = await createAccessControl({ store, logger: pino({ level: 'silent' }), clock });
    await control.settings.setApiToken(options.apiToken);
    if (options.oidc === true) await control.settings.setOidcEnabled(true);
    access = control;
  }
  const app = Fastify({ logger: false });
  await app.register(workflowApiPlugin, {
    workflow,
    users,
    logs,
    forms,
    ...(access ? { access } : {}),
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
  });
  await app.ready();
  // Every answer a test gets must match the operation's OpenAPI document.
  checkEveryAnswer(app, t, ['/openapi/workflowapi.json']);
  t.after(async () => {
    await app.close();
  });
  const call = async (url: string, body?: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url, ...(body === undefined ? {} : { payload: body }) });
    return { status: response.statusCode, body: response.json() as Envelope };
  };
  return { app, store, workflow, users, logs, forms, clock, callbacks, logLines, call };
}

/** Values used across tests. */
export const ids = {
  process: 'f54104f0-5de2-ea7b-e3be-47c9199a3967',
  other: '1b7c2f0e-3a4d-4e5f-8a6b-7c8d9e0f1a2b',
  third: '2c8d3f1e-4b5e-4f60-9b7c-8d9e0f1a2b3c',
  john: '11111111-1111-4111-8111-111111111111',
  margo: '22222222-2222-4222-8222-222222222222',
  boss: '33333333-3333-4333-8333-333333333333',
  accountant: '44444444-4444-4444-8444-444444444444',
} as const;

export type { JsonValue };
