/**
 * Builds the real HTTP shell (`buildServer`) with the admin API plugin over a SQLite `:memory:`
 * store and a manual clock, with an admin password set through the access settings.
 */
import type { TestContext } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { SettingsService } from '../../src/access/index.js';
import { loadConfig } from '../../src/config/index.js';
import { waymarkPlugin } from '../../src/dialects/admin-api/index.js';
import { buildApp } from '../../src/server/index.js';
import { createLogger } from '../../src/logging/index.js';
import { ManualClock, WorkflowService } from '../../src/services/index.js';
import { LogService } from '../../src/services/log-service.js';
import type { Store } from '../../src/store/index.js';
import { checkEveryAnswer } from '../support/documented-responses.js';
import { storeFactoryFromEnvironment } from '../support/postgres.js';
import { projectSchemes } from '../support/scheme-fixtures.js';

/** The admin password every test signs in with. */
export const ADMIN_PASSWORD = 'admin-api test password 42';

/** A fixture scheme's XML (test/fixtures/schemes/). */
export function fixtureXml(name: string): string {
  return projectSchemes.xml(name);
}

/** A small native JSON scheme: a Draft state with a `submit` command to Done. */
export function draftScheme(code = 'Draft'): Record<string, unknown> {
  return {
    code,
    name: `${code} scheme`,
    tags: ['test'],
    commands: [{ name: 'submit' }],
    activities: [
      { name: 'Draft', state: 'Draft', isInitial: true },
      { name: 'Done', state: 'Done', isFinal: true },
    ],
    transitions: [{ name: 'Submit', from: 'Draft', to: 'Done', trigger: { type: 'Command', name: 'submit' }, conditions: [{ type: 'Always' }] }],
  };
}

/** Everything a test talks to. */
export interface AdminHarness {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly workflow: WorkflowService;
  readonly logs: LogService;
  readonly clock: ManualClock;
  /** A request with HTTP Basic admin credentials. */
  admin(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Starts an instance of the latest version of a scheme. */
  startInstance(processId: string, schemeCode: string): Promise<void>;
}

/** The `Authorization` header for `admin:<password>`. */
export function basicAuth(password: string, user = 'admin'): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** A fresh server, closed with its store when the test ends. */
export async function startAdminHarness(t: TestContext, options: { bodyLimit?: number; env?: Readonly<Record<string, string>> } = {}): Promise<AdminHarness> {
  const store = await storeFactoryFromEnvironment().open(t);
  const clock = new ManualClock('2026-04-01T08:00:00.000Z');
  await new SettingsService(store, clock).setAdminPassword(ADMIN_PASSWORD);
  const env = { ...options.env, ...(options.bodyLimit === undefined ? {} : { WAYMARK_BODY_LIMIT: String(options.bodyLimit) }) };
  const config = loadConfig(env, {}, '/srv/waymark');
  const logger = createLogger({ level: 'silent' });
  const workflow = new WorkflowService({ store, clock, callbackServerConfigured: true });
  const app = await buildApp({ config, store, workflow, logger, clock, plugins: [waymarkPlugin] });
  // Every answer a test gets must match the OpenAPI document of its route.
  checkEveryAnswer(app, t, ['/openapi/admin-api.json']);
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const logs = new LogService({ records: store, logger, clock });
  return {
    app,
    store,
    workflow,
    logs,
    clock,
    admin: (request) => app.inject({ ...request, headers: { authorization: basicAuth(ADMIN_PASSWORD), ...request.headers } }),
    startInstance: async (processId, schemeCode) => {
      await workflow.createInstance({ processId, schemeCode, actor: { identityId: null, impersonatedIdentityId: null }, parameters: [] });
    },
  };
}
