/**
 * The `/api/v1` listings read a page in a fixed number of statements, however many instances and
 * tasks there are or a page holds (issue #17, item 11: they once ran several queries per
 * instance). Statements are counted as the store runs them (better-sqlite3's `verbose`, kysely's
 * log on PostgreSQL); the suite runs on both with WAYMARK_TEST_STORE.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createApiV1Services, type ApiV1Services } from '../../src/server/index.js';
import { ManualClock, WorkflowService, type ApiCaller } from '../../src/services/index.js';
import type { WorkflowModelRecord } from '../../src/store/index.js';
import { storeFactoryFromEnvironment } from '../support/postgres.js';
import { JANE, timeOffScheme } from './harness.js';

interface Fixture {
  readonly workflow: WorkflowService;
  readonly services: ApiV1Services;
  readonly caller: ApiCaller;
  readonly model: WorkflowModelRecord;
  readonly clock: ManualClock;
  /** Statements run since the last call. */
  statementsSince(): number;
}

async function fixture(t: TestContext): Promise<Fixture> {
  let statements = 0;
  const store = await storeFactoryFromEnvironment().open(t, { onStatement: () => void (statements += 1) });
  const clock = new ManualClock('2026-05-04T09:00:00.000Z');
  const workflow = new WorkflowService({ store, clock });
  const services = createApiV1Services(workflow, store);
  await workflow.saveScheme({ json: timeOffScheme() });
  await store.createUser(
    { id: JANE.id, name: JANE.name, email: JANE.email, phone: null, login: null, domainLogin: null, isLocked: false, tenantId: null, extensions: {}, credentials: [], roles: [] },
    clock.now(),
  );
  const organization = await services.tenants.createTenant({ name: 'Acme' });
  const group = await services.tenants.createTenant({ name: 'Acme Sales', parentId: organization.id });
  const model = await services.models.publishModel({ schemeCode: 'TimeOff', tenantId: group.id });
  const { token } = await services.tokens.createToken({ tenantId: group.id, name: 'Jane Smith', createdBy: JANE.email });
  const caller = await services.tokens.authenticate(`Bearer ${token}`);
  return {
    workflow,
    services,
    caller,
    model,
    clock,
    statementsSince: () => {
      const counted = statements;
      statements = 0;
      return counted;
    },
  };
}

/**
 * Adds instances: each started in /api/v1 (Jane's Form task), every third then submitted (a
 * completed task for Jane, a current one for the boss), and one started through the Workflow
 * API in the model's tenant (it belongs to the model without a link).
 */
async function addInstances(f: Fixture, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    f.clock.advance(1000);
    const { instance } = await f.services.models.startInstance(f.caller, { wfModelId: f.model.id, wfData: { requesterEmail: JANE.email } });
    if (index % 3 === 0) {
      await f.workflow.executeCommand({ processId: instance.id, command: 'submit', actor: { identityId: JANE.email, impersonatedIdentityId: null }, parameters: [] });
    }
  }
  await f.workflow.createInstance({
    processId: crypto.randomUUID(),
    schemeCode: 'TimeOff',
    actor: { identityId: JANE.email, impersonatedIdentityId: null },
    parameters: [{ name: 'requesterEmail', value: JANE.email, persist: true }],
    tenantId: f.model.tenantId,
  });
}

async function statementsOfListings(f: Fixture, page: { skip: number; take: number }): Promise<{ instances: number; participants: number; tasks: number; models: number; listed: number; counted: number }> {
  // The first task listing creates the task-link key: not part of what is measured.
  await f.services.tasks.listUserTasks(f.caller, JANE.email, { status: 'current', skip: 0, take: 1 }, 'https://waymark.example');
  f.statementsSince();
  const listed = await f.services.models.listInstances(f.caller, { wfModelId: f.model.id, ...page });
  const instances = f.statementsSince();
  await f.services.models.listInstances(f.caller, { wfModelId: f.model.id, participant: 'boss@acme.com', ...page });
  const participants = f.statementsSince();
  await f.services.tasks.listUserTasks(f.caller, JANE.email, { status: 'all', ...page }, 'https://waymark.example');
  const tasks = f.statementsSince();
  const [counted] = await f.services.models.listModels([f.model.tenantId], { instanceCount: true, taskAssignee: 'boss@acme.com' });
  const models = f.statementsSince();
  return { instances, participants, tasks, models, listed: listed.length, counted: counted?.totalInstances ?? -1 };
}

test('given 4 or 32 instances, listing all of them (and counting them per model) takes the same statements', async (t) => {
  const f = await fixture(t);
  await addInstances(f, 3);
  const few = await statementsOfListings(f, { skip: 0, take: 1000 });
  await addInstances(f, 27);
  const many = await statementsOfListings(f, { skip: 0, take: 1000 });

  assert.deepEqual([few.listed, many.listed, few.counted, many.counted], [4, 32, 4, 32]);
  assert.deepEqual(
    { instances: many.instances, participants: many.participants, tasks: many.tasks, models: many.models },
    { instances: few.instances, participants: few.participants, tasks: few.tasks, models: few.models },
  );
  // And few in absolute terms: the model, its first model, the page, its inboxes, the assignees.
  assert.ok(many.instances <= 8, `listing instances took ${many.instances} statements`);
});

test('a page of 2 and a page of 20 take the same statements', async (t) => {
  const f = await fixture(t);
  await addInstances(f, 30);
  const small = await statementsOfListings(f, { skip: 0, take: 2 });
  const large = await statementsOfListings(f, { skip: 0, take: 20 });
  assert.deepEqual([small.listed, large.listed], [2, 20]);
  assert.deepEqual(
    { instances: large.instances, participants: large.participants, tasks: large.tasks, models: large.models },
    { instances: small.instances, participants: small.participants, tasks: small.tasks, models: small.models },
  );
});
