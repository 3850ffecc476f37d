/**
 * Builds the real HTTP shell with the Workflow API, the admin API and the `/api/v1` dialect over
 * a SQLite `:memory:` store and a manual clock; seeds a time-off scheme, two organizations with
 * two groups each, a user with an email, and helpers to call the dialect with a token.
 */
import type { TestContext } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { SettingsService } from '../../src/access/index.js';
import { loadConfig } from '../../src/config/index.js';
import { waymarkPlugin as adminApi } from '../../src/dialects/admin-api/index.js';
import { waymarkPlugin as apiV1 } from '../../src/dialects/api-v1/index.js';
import { waymarkPlugin as workflowApi } from '../../src/dialects/workflow-api/index.js';
import { buildApp, createApiV1Services, type ApiV1Services } from '../../src/server/index.js';
import { createLogger } from '../../src/logging/index.js';
import { ManualClock, WorkflowService } from '../../src/services/index.js';
import type { Store, TenantRecord, WorkflowModelRecord } from '../../src/store/index.js';
import { checkEveryAnswer } from '../support/documented-responses.js';
import { storeFactoryFromEnvironment } from '../support/postgres.js';

/** The public URL task links start with. */
export const PUBLIC_URL = 'https://waymark.example';
export const ADMIN_PASSWORD = 'api-v1 admin password 7';
/** The user every task of the scheme is first assigned to (a stored user with this email). */
export const JANE = { id: 'u-jane', email: 'jsmith@acme.com', name: 'Jane Smith' };
/** The manager: no stored user has this email, so the identity is the email itself. */
export const BOSS = 'boss@acme.com';

/**
 * Time off: Form (the requester submits) → Review (the boss approves, or rejects back to Form;
 * a reminder timer is armed) → Approved (final).
 */
export function timeOffScheme(code = 'TimeOff'): Record<string, unknown> {
  return {
    code,
    name: 'Time-Off Request',
    tags: [],
    parameters: [
      { name: 'requesterEmail', type: 'String', purpose: 'Persistence' },
      { name: 'days', type: 'Int32', purpose: 'Persistence', initialValue: 1 },
      { name: 'comment', type: 'String', purpose: 'Temporary' },
    ],
    actors: [
      { name: 'Requester', rule: 'isUser', value: '@requesterEmail' },
      { name: 'Boss', rule: 'isUser', value: BOSS },
    ],
    commands: [
      { name: 'submit', inputParameters: [{ name: 'comment', parameterName: 'comment', isRequired: false }] },
      { name: 'approve', inputParameters: [] },
      { name: 'reject', inputParameters: [] },
    ],
    timers: [{ name: 'Remind', type: 'Interval', value: '1d', notOverrideIfExists: false }],
    activities: [
      { name: 'Form', state: 'Form', isInitial: true },
      { name: 'Review', state: 'Review' },
      { name: 'Reminded', state: 'Review' },
      { name: 'Approved', state: 'Approved', isFinal: true },
    ],
    transitions: [
      { name: 'Submit', from: 'Form', to: 'Review', trigger: { type: 'Command', name: 'submit' }, conditions: [{ type: 'Always' }], restrictions: [{ type: 'Allow', actor: 'Requester' }] },
      { name: 'Approve', from: 'Review', to: 'Approved', trigger: { type: 'Command', name: 'approve' }, conditions: [{ type: 'Always' }], restrictions: [{ type: 'Allow', actor: 'Boss' }] },
      { name: 'Reject', from: 'Review', to: 'Form', trigger: { type: 'Command', name: 'reject' }, conditions: [{ type: 'Always' }], restrictions: [{ type: 'Allow', actor: 'Boss' }] },
      { name: 'Remind', from: 'Review', to: 'Reminded', trigger: { type: 'Timer', name: 'Remind' }, conditions: [{ type: 'Always' }] },
    ],
  };
}

/** An organization and its two groups. */
export interface SeededOrganization {
  readonly organization: TenantRecord;
  readonly groups: readonly [TenantRecord, TenantRecord];
}

/** Everything a test talks to. */
export interface ApiV1Harness {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly workflow: WorkflowService;
  readonly services: ApiV1Services;
  readonly clock: ManualClock;
  readonly orgA: SeededOrganization;
  readonly orgB: SeededOrganization;
  /** A request with this token in `Authorization: Bearer`. */
  call(token: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** A request with HTTP Basic admin credentials. */
  admin(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Creates a token for a tenant (every permission unless given). */
  tokenFor(tenantId: string, permissions?: readonly string[]): Promise<string>;
  /** Publishes the time-off scheme to a tenant. */
  publish(tenantId: string, options?: { name?: string; state?: 'active' | 'unpublished'; isPublic?: boolean }): Promise<WorkflowModelRecord>;
}

/** A fresh server, closed with its store when the test ends; `options.env` replaces its configuration. */
export async function startApiV1Harness(t: TestContext, options: { env?: NodeJS.ProcessEnv } = {}): Promise<ApiV1Harness> {
  const store = await storeFactoryFromEnvironment().open(t);
  const clock = new ManualClock('2026-05-04T09:00:00.000Z');
  await new SettingsService(store, clock).setAdminPassword(ADMIN_PASSWORD);
  // The configuration comes from `env` (default: the public URL task links start with).
  const config = loadConfig(options.env ?? { WAYMARK_PUBLIC_URL: PUBLIC_URL }, {}, '/srv/waymark');
  const logger = createLogger({ level: 'silent' });
  const workflow = new WorkflowService({ store, clock });
  const app = await buildApp({ config, store, workflow, logger, clock, plugins: [workflowApi, adminApi, apiV1] });
  // Every answer a test gets must match the OpenAPI document of its route.
  checkEveryAnswer(app, t, ['/openapi/api-v1.json', '/openapi/admin-api.json', '/openapi/workflowapi.json']);
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const services = createApiV1Services(workflow, store);
  await workflow.saveScheme({ json: timeOffScheme() });
  await store.createUser(
    { id: JANE.id, name: JANE.name, email: JANE.email, phone: null, login: null, domainLogin: null, isLocked: false, tenantId: null, extensions: {}, credentials: [], roles: [] },
    clock.now(),
  );
  const seedOrganization = async (name: string): Promise<SeededOrganization> => {
    const organization = await services.tenants.createTenant({ name });
    const first = await services.tenants.createTenant({ name: `${name} Sales`, parentId: organization.id });
    const second = await services.tenants.createTenant({ name: `${name} Support`, parentId: organization.id });
    return { organization, groups: [first, second] };
  };
  const orgA = await seedOrganization('Acme');
  const orgB = await seedOrganization('Globex');
  return {
    app,
    store,
    workflow,
    services,
    clock,
    orgA,
    orgB,
    call: (token, options) => app.inject({ ...options, headers: { authorization: `Bearer ${token}`, ...options.headers } }),
    admin: (options) => app.inject({ ...options, headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`, ...options.headers } }),
    tokenFor: async (tenantId, permissions) =>
      (await services.tokens.createToken({ tenantId, name: 'Jane Smith', createdBy: JANE.email, ...(permissions ? { permissions } : {}) })).token,
    publish: (tenantId, options = {}) => services.models.publishModel({ schemeCode: 'TimeOff', tenantId, ...options }),
  };
}

/** The JSON body of a reply. */
export function json<T = unknown>(response: LightMyRequestResponse): T {
  return response.json() as T;
}
