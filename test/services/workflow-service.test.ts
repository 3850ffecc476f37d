/**
 * The service layer end to end: real scheme import, real engine, real SQLite store.
 * Given VacationRequest.xml, users with roles, and a fake callback server for JsonBackup.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeFactoryFromEnvironment } from '../support/postgres.js';
import { projectSchemes } from '../support/scheme-fixtures.js';
import { ManualClock, UserService, WorkflowService } from '../../src/services/index.js';
import { InstanceStatus, type ExternalCalls } from '../../src/engine/index.js';
import { isWaymarkError } from '../../src/errors/index.js';

const vacationXml = projectSchemes.xml('VacationRequest');

function fakeCallbackServer(calls: string[]): ExternalCalls {
  return {
    executeAction: async (name, parameter) => {
      calls.push(`${name}:${parameter}`);
      if (name !== 'JsonBackup') throw new Error(`unexpected action ${name}`);
    },
    executeCondition: async () => false,
    checkRule: async () => false,
    getIdentities: async () => [],
  };
}

async function setUp(t: import('node:test').TestContext, external?: ExternalCalls) {
  const store = await storeFactoryFromEnvironment().open(t);
  t.after(() => store.close());
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  let n = 0;
  const workflow = new WorkflowService({
    store,
    clock,
    external: external ?? fakeCallbackServer([]),
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    callbackServerConfigured: true,
  });
  const users = new UserService(store, clock);
  return { store, clock, workflow, users };
}

const PROCESS = '11111111-1111-4111-8111-111111111111';
const john = { identityId: 'John', impersonatedIdentityId: null };
const margo = { identityId: 'Margo', impersonatedIdentityId: null };

test('a vacation request travels from the author to the accountant, with inbox and history at each step', async (t) => {
  const backups: string[] = [];
  const { workflow, users, clock, store } = await setUp(t, fakeCallbackServer(backups));
  await workflow.saveScheme({ xml: vacationXml });
  await users.create({ id: 'aaaaaaaa-0000-4000-8000-000000000001', name: 'Boss', roles: ['Big Boss'] });
  await users.create({ id: 'aaaaaaaa-0000-4000-8000-000000000002', name: 'Counter', roles: ['Accountant'] });

  const created = await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [{ name: 'Sum', value: 150 }] });
  assert.equal(created.activityName, 'VacationRequestCreated');
  assert.equal(created.status, InstanceStatus.Idled);
  assert.deepEqual(created, await store.getInstance(PROCESS), 'the instance returned is the one stored, revision included');
  assert.deepEqual(backups, ['JsonBackup:StartBackup']);
  assert.deepEqual((await workflow.getInbox({ processId: PROCESS })).map((i) => [i.identityId, i.availableCommands]), [['John', ['StartSigning']]]);

  // Margo may not start signing; John may.
  assert.deepEqual((await workflow.getAvailableCommands({ processId: PROCESS, actor: margo })).map((c) => c.name), []);
  await assert.rejects(
    workflow.executeCommand({ processId: PROCESS, command: 'StartSigning', actor: margo, parameters: [] }),
    (e) => isWaymarkError(e, 'WM_COMMAND_NOT_ALLOWED'),
  );
  clock.advance(60_000);
  const signed = await workflow.executeCommand({ processId: PROCESS, command: 'StartSigning', actor: john, parameters: [{ name: 'Comment', value: 'please' }] });
  assert.equal(signed.wasExecuted, true);
  assert.equal(signed.instance.activityName, 'ManagerSigning');
  assert.equal(signed.instance.parameters.Comment, undefined, 'Comment is Temporary and not stored');
  assert.deepEqual(signed.instance, await store.getInstance(PROCESS), 'the instance returned is the one stored, revision included');
  assert.deepEqual((await workflow.getInbox({ identityId: 'Margo' })).map((i) => i.processId), [PROCESS]);
  assert.deepEqual((await workflow.getOutbox({ identityId: 'John' })).map((o) => o.commandName), ['StartSigning']);
  assert.equal((await store.getTimers(PROCESS))[0]?.dueAt, '2026-03-01T09:11:00.000Z', 'SendToBigBoss armed 10 minutes after entering');

  // Sum 150 > 100: the manager's approval goes to the big boss.
  const approved = await workflow.executeCommand({ processId: PROCESS, command: 'Approve', actor: margo, parameters: [] });
  assert.equal(approved.instance.activityName, 'BigBossSigning');
  assert.deepEqual(await store.getTimers(PROCESS), [], 'leaving ManagerSigning clears its timer');
  const bossInbox = await workflow.getInbox({ processId: PROCESS });
  assert.deepEqual(bossInbox.map((i) => i.identityId), ['aaaaaaaa-0000-4000-8000-000000000001']);

  await workflow.executeCommand({ processId: PROCESS, command: 'Approve', actor: { identityId: 'aaaaaaaa-0000-4000-8000-000000000001', impersonatedIdentityId: null }, parameters: [] });
  const paid = await workflow.executeCommand({ processId: PROCESS, command: 'Paid', actor: { identityId: 'aaaaaaaa-0000-4000-8000-000000000002', impersonatedIdentityId: null }, parameters: [] });
  assert.equal(paid.instance.activityName, 'RequestApproved');
  assert.equal(paid.instance.status, InstanceStatus.Finalized);
  assert.deepEqual(await workflow.getInbox({ processId: PROCESS }), []);
  assert.deepEqual(backups, ['JsonBackup:StartBackup', 'JsonBackup:FinalBackup']);

  const info = await workflow.getInstanceInfo(PROCESS);
  assert.deepEqual(
    info.history.map((h) => `${h.fromActivityName}->${h.toActivityName}:${h.triggerName}:${h.identityId}`),
    [
      'VacationRequestCreated->ManagerSigning:StartSigning:John',
      'ManagerSigning->BigBossSigning:Approve:Margo',
      'BigBossSigning->AccountingReview:Approve:aaaaaaaa-0000-4000-8000-000000000001',
      'AccountingReview->RequestApproved:Paid:aaaaaaaa-0000-4000-8000-000000000002',
    ],
  );
});

test('a role given to a user takes effect on the next command check', async (t) => {
  const { workflow, users } = await setUp(t);
  await workflow.saveScheme({ xml: vacationXml });
  await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [{ name: 'Sum', value: 500 }] });
  await workflow.executeCommand({ processId: PROCESS, command: 'StartSigning', actor: john, parameters: [] });
  await workflow.executeCommand({ processId: PROCESS, command: 'Approve', actor: margo, parameters: [] });
  const bob = { identityId: 'bbbbbbbb-0000-4000-8000-000000000001', impersonatedIdentityId: null };
  await users.create({ id: bob.identityId, name: 'Bob' });
  assert.deepEqual(await workflow.getAvailableCommands({ processId: PROCESS, actor: bob }), []);
  await users.addToRole(bob.identityId, 'Big Boss');
  assert.deepEqual((await workflow.getAvailableCommands({ processId: PROCESS, actor: bob })).map((c) => c.name).sort(), ['Approve', 'Reject']);
});

test('a duplicate processId is refused before the scheme runs, and the first instance is unchanged', async (t) => {
  const backups: string[] = [];
  const { workflow } = await setUp(t, fakeCallbackServer(backups));
  await workflow.saveScheme({ xml: vacationXml });
  await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [] });
  await assert.rejects(
    workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: margo, parameters: [{ name: 'Sum', value: 1 }] }),
    (e) => isWaymarkError(e, 'WM_INSTANCE_EXISTS'),
  );
  assert.equal((await workflow.getInstance(PROCESS)).parameters.Sum, 100);
  assert.deepEqual(backups, ['JsonBackup:StartBackup'], 'the refused create ran none of the scheme\'s actions');
});

test('two creates of one processId at once: one instance, the other refused before the scheme runs', async (t) => {
  const backups: string[] = [];
  const { workflow } = await setUp(t, fakeCallbackServer(backups));
  await workflow.saveScheme({ xml: vacationXml });
  const results = await Promise.allSettled([john, margo].map((actor) => workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor, parameters: [] })));
  assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected']);
  assert.ok(isWaymarkError((results[1] as PromiseRejectedResult).reason, 'WM_INSTANCE_EXISTS'));
  assert.deepEqual(backups, ['JsonBackup:StartBackup']);
});

test('a create of an unknown scheme is refused as such, even under an id that exists', async (t) => {
  const { workflow } = await setUp(t);
  await workflow.saveScheme({ xml: vacationXml });
  await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [] });
  for (const processId of [PROCESS, '22222222-2222-4222-8222-222222222222']) {
    await assert.rejects(
      workflow.createInstance({ processId, schemeCode: 'NoSuchScheme', actor: john, parameters: [] }),
      (e) => isWaymarkError(e, 'WM_SCHEME_NOT_FOUND'),
    );
  }
});

test('concurrent commands on one instance queue: exactly one transition from the state', async (t) => {
  const { workflow } = await setUp(t);
  await workflow.saveScheme({ xml: vacationXml });
  await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [] });
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, () => workflow.executeCommand({ processId: PROCESS, command: 'StartSigning', actor: john, parameters: [] })),
  );
  const executed = results.filter((r) => r.status === 'fulfilled' && r.value.wasExecuted);
  assert.equal(executed.length, 1);
  for (const r of results) {
    if (r.status === 'rejected') assert.ok(isWaymarkError(r.reason, 'WM_COMMAND_NOT_AVAILABLE'), String(r.reason));
  }
  const info = await workflow.getInstanceInfo(PROCESS);
  assert.equal(info.history.length, 1);
});

test('tenant scope: an instance of another tenant is not visible', async (t) => {
  const { workflow } = await setUp(t);
  await workflow.saveScheme({ xml: vacationXml });
  await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [], tenantId: 'acme' });
  assert.equal((await workflow.getInstance(PROCESS, { tenantId: 'acme' })).id, PROCESS);
  await assert.rejects(workflow.getInstance(PROCESS, { tenantId: 'other' }), (e) => isWaymarkError(e, 'WM_TENANT_MISMATCH'));
  assert.equal(await workflow.instanceExists(PROCESS, { tenantId: 'other' }), false);
  await assert.rejects(
    workflow.executeCommand({ processId: PROCESS, command: 'StartSigning', actor: john, parameters: [], scope: { tenantId: 'other' } }),
    (e) => isWaymarkError(e, 'WM_TENANT_MISMATCH'),
  );
});

test('a stopped runtime refuses execution with a clear message, and runs again once started', async (t) => {
  const { workflow } = await setUp(t);
  await workflow.saveScheme({ xml: vacationXml });
  workflow.execution.stop();
  await assert.rejects(
    workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [] }),
    (e) => isWaymarkError(e, 'WM_RUNTIME_STOPPED') && /stopped/.test((e as Error).message),
  );
  workflow.execution.start();
  assert.equal((await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [] })).id, PROCESS);
});

test('updateInstanceScheme moves to the latest version, and refuses when the activity is gone', async (t) => {
  const { workflow } = await setUp(t);
  const v1 = await workflow.saveScheme({ xml: vacationXml });
  await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [] });
  const v2 = await workflow.saveScheme({ xml: vacationXml });
  assert.equal(v2.version, v1.version + 1);
  assert.equal((await workflow.getInstance(PROCESS)).schemeVersion, v1.version, 'instances stay on their version');
  assert.equal((await workflow.updateInstanceScheme(PROCESS)).schemeVersion, v2.version);

  const renamed = vacationXml.replaceAll('VacationRequestCreated', 'Draft');
  await workflow.saveScheme({ xml: renamed });
  await assert.rejects(workflow.updateInstanceScheme(PROCESS), (e) => isWaymarkError(e, 'WM_ACTIVITY_NOT_FOUND') && /VacationRequestCreated/.test((e as Error).message));
  assert.equal((await workflow.getInstance(PROCESS)).schemeVersion, v2.version);
});

test('without a callback server, the JsonBackup action puts the instance in Error with the reason', async (t) => {
  const store = await storeFactoryFromEnvironment().open(t);
  t.after(() => store.close());
  const workflow = new WorkflowService({ store, callbackServerConfigured: false });
  await workflow.saveScheme({ xml: vacationXml });
  const created = await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [] });
  assert.equal(created.status, InstanceStatus.Error);
  assert.match(created.errorMessage ?? '', /JsonBackup/);
});

test('parameters: set and get a persistent one; system parameters are read-only; unknown is not found', async (t) => {
  const { workflow } = await setUp(t);
  await workflow.saveScheme({ xml: vacationXml });
  await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [] });
  await workflow.setParameter(PROCESS, 'Manager', 'Peter');
  assert.equal(await workflow.getParameter(PROCESS, 'Manager'), 'Peter');
  assert.equal(await workflow.getParameter(PROCESS, 'CurrentActivity'), 'VacationRequestCreated');
  await assert.rejects(workflow.setParameter(PROCESS, 'ProcessId', 'x'), (e) => isWaymarkError(e, 'WM_PARAMETER_READ_ONLY'));
  await assert.rejects(workflow.getParameter(PROCESS, 'Nope'), (e) => isWaymarkError(e, 'WM_PARAMETER_NOT_FOUND'));
  await assert.rejects(workflow.setParameter(PROCESS, 'Sum', 'not a number'), (e) => isWaymarkError(e, 'WM_PARAMETER_TYPE'));
});

test('deleteInstances removes the instance with its rows and reports the missing ones', async (t) => {
  const { workflow, store } = await setUp(t);
  await workflow.saveScheme({ xml: vacationXml });
  await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [] });
  await workflow.executeCommand({ processId: PROCESS, command: 'StartSigning', actor: john, parameters: [] });
  const result = await workflow.deleteInstances([PROCESS, '22222222-2222-4222-8222-222222222222']);
  assert.deepEqual(result, { deleted: [PROCESS], missing: ['22222222-2222-4222-8222-222222222222'] });
  assert.equal(await store.getInstance(PROCESS), null);
  assert.deepEqual(await store.getHistory(PROCESS), []);
  assert.deepEqual(await store.getInbox({ processId: PROCESS }), []);
  assert.deepEqual(await store.getTimers(PROCESS), []);
});

test('inbox and outbox listed for a tenant hold only that tenant’s instances, also without a processId', async (t) => {
  const { workflow } = await setUp(t);
  await workflow.saveScheme({ xml: vacationXml });
  const other = '33333333-3333-4333-8333-333333333333';
  await workflow.createInstance({ processId: PROCESS, schemeCode: 'VacationRequest', actor: john, parameters: [], tenantId: 'acme' });
  await workflow.createInstance({ processId: other, schemeCode: 'VacationRequest', actor: john, parameters: [], tenantId: 'globex' });
  await workflow.executeCommand({ processId: PROCESS, command: 'StartSigning', actor: john, parameters: [] });
  await workflow.executeCommand({ processId: other, command: 'StartSigning', actor: john, parameters: [] });
  assert.deepEqual((await workflow.getInbox({ identityId: 'Margo' })).map((i) => i.processId).sort(), [PROCESS, other].sort());
  assert.deepEqual((await workflow.getInbox({ identityId: 'Margo' }, { tenantId: 'acme' })).map((i) => i.processId), [PROCESS]);
  assert.deepEqual((await workflow.getOutbox({ identityId: 'John' }, { tenantId: 'globex' })).map((o) => o.processId), [other]);
  assert.deepEqual(await workflow.getInbox({}, { tenantId: 'initech' }), []);
});
