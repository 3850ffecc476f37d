/**
 * The vendor's own sample schemes against a callback server written to the vendor's Callback API
 * contract (test/support/vendor-callback-server.ts). Not part of `npm test`: the samples live
 * outside the repository (WAYMARK_VENDOR_SCHEMES, default ../shared/fixtures/schemes from the
 * repository root); `npm run test:vendor-schemes` runs every `*.vendor-test.ts`.
 *
 * - VacationRequest.xml travels to the end by commands and, on a second instance, by its
 *   10-minute timer: its JsonBackup action runs on the callback server, its status and activity
 *   notifications and its process log (LogEnabled) reach it in the vendor's format.
 * - ParametersAndExpressions.xml's C# code action AddNumberToParameter, which Waymark cannot run,
 *   runs on the callback server instead.
 * - Every other sample that needs nothing from outside runs with the callback server listening:
 *   no notification breaks the contract, none is sent for a subprocess.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { InstanceStatus } from '../../src/engine/index.js';
import { createRuntimeParts } from '../../src/runtime/index.js';
import { ManualClock, UserService } from '../../src/services/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { openHarness, type RuntimeHarness } from '../runtime/runtime-kit.js';
import { startVendorCallbackServer, type VendorCallbackHandlers, type VendorCallbackServer } from '../support/vendor-callback-server.js';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLES = resolve(process.env.WAYMARK_VENDOR_SCHEMES ?? resolve(REPOSITORY, '../shared/fixtures/schemes'));
const TOKEN = 'vendor-samples-token';

function sample(name: string): string {
  const file = resolve(SAMPLES, `${name}.xml`);
  if (!existsSync(file)) throw new Error(`The vendor's sample ${name}.xml is not in ${SAMPLES}: set WAYMARK_VENDOR_SCHEMES to the folder of the vendor's sample schemes`);
  return readFileSync(file, 'utf8');
}

function processId(n: number): string {
  return `7a0e5d4c-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** The user's code of the vendor's samples. */
const handlers: VendorCallbackHandlers = {
  actions: {
    JsonBackup: (parameter, instance) => ({ LastBackup: `${parameter}:${instance.ActivityName}` }),
    AddNumberToParameter: (parameter, instance) => {
      const { Number: number, ParameterName: name } = JSON.parse(parameter ?? '{}') as { Number: number; ParameterName: string };
      return { [name]: Number(instance.ProcessParameters?.[name] ?? 0) + number };
    },
  },
};

async function serverUsing(t: TestContext, callback: VendorCallbackServer): Promise<RuntimeHarness> {
  const clock = new ManualClock('2026-03-02T08:00:00.000Z');
  const store = await createSqliteStore({ filename: ':memory:' });
  t.after(() => store.close());
  await store.setSetting('callbackServers', [{ name: 'vendor-sample', baseUrl: callback.baseUrl, token: TOKEN, paths: { processlog: 'ProcessLog' } }]);
  const parts = await createRuntimeParts({ store, clock, env: {} });
  const harness = await openHarness(t, {
    store,
    clock,
    service: { external: parts.external, stepMessages: parts.stepMessages, externalParameters: parts.externalParameters, schemeGenerator: parts.schemeGenerator, callbackServerConfigured: true },
    runtime: { deliver: parts.deliver },
  });
  harness.runtime.start();
  return harness;
}

const BIG_BOSS = 'b16b0550-0000-4000-8000-000000000001';
const ACCOUNTANT = 'acc0c0a7-0000-4000-8000-000000000002';
const as = (identityId: string) => ({ identityId, impersonatedIdentityId: null });

describe("the vendor's sample schemes against a vendor-contract callback server", () => {
  it('VacationRequest travels to the end by commands, JsonBackup running on the callback server', async (t) => {
    const callback = await startVendorCallbackServer(t, { token: TOKEN, handlers });
    const h = await serverUsing(t, callback);
    const users = new UserService(h.store, h.clock);
    await users.create({ id: BIG_BOSS, name: 'Big Boss', roles: ['Big Boss'] });
    await users.create({ id: ACCOUNTANT, name: 'Accountant', roles: ['Accountant'] });
    await h.service.saveScheme({ xml: sample('VacationRequest') });
    const id = processId(1);

    await h.service.createInstance({ processId: id, schemeCode: 'VacationRequest', actor: as('John'), parameters: [{ name: 'Sum', value: 150 }] });
    await h.service.executeCommand({ processId: id, command: 'StartSigning', actor: as('John'), parameters: [] });
    await h.service.executeCommand({ processId: id, command: 'Approve', actor: as('Margo'), parameters: [] });
    assert.equal((await h.service.getInstance(id)).activityName, 'BigBossSigning', '@Sum > 100 goes to the big boss');
    await h.service.executeCommand({ processId: id, command: 'Approve', actor: as(BIG_BOSS), parameters: [] });
    await h.service.executeCommand({ processId: id, command: 'Paid', actor: as(ACCOUNTANT), parameters: [] });
    const done = await h.service.getInstance(id);
    assert.equal(done.status, InstanceStatus.Finalized);
    assert.equal(done.parameters.LastBackup, 'FinalBackup:RequestApproved');
    await h.settle();

    const backups = callback.calls.filter((call) => call.method === 'executeaction');
    assert.deepEqual(backups.map((call) => [call.name, call.processInstance?.Id, call.processInstance?.ActivityName]), [
      ['JsonBackup', id, 'VacationRequestCreated'],
      ['JsonBackup', id, 'RequestApproved'],
    ]);
    assert.deepEqual(callback.statusChanges.map((change) => change.newStatus), ['Idled', 'Idled', 'Idled', 'Idled', 'Finalized']);
    assert.deepEqual(
      callback.activityChanges.map((change) => change.currentActivityName),
      ['ManagerSigning', 'BigBossSigning', 'AccountingReview', 'RequestApproved'],
    );
    assert.equal(callback.processLogs.length, 4, 'LogEnabled: one entry per transition');
    assert.deepEqual(callback.violations, []);
  });

  it('VacationRequest moves to the big boss when its 10-minute timer fires', async (t) => {
    const callback = await startVendorCallbackServer(t, { token: TOKEN, handlers });
    const h = await serverUsing(t, callback);
    await h.service.saveScheme({ xml: sample('VacationRequest') });
    const id = processId(2);
    await h.service.createInstance({ processId: id, schemeCode: 'VacationRequest', actor: as('John'), parameters: [{ name: 'Sum', value: 50 }] });
    await h.service.executeCommand({ processId: id, command: 'StartSigning', actor: as('John'), parameters: [] });
    await h.advance(10 * 60_000);
    assert.equal((await h.service.getInstance(id)).activityName, 'BigBossSigning');
    assert.equal(callback.processLogs.at(-1)?.Message, "ManagerSigning → BigBossSigning (Timer 'SendToBigBoss')");
    assert.deepEqual(callback.violations, []);
  });

  it("runs ParametersAndExpressions' C# code action AddNumberToParameter on the callback server", async (t) => {
    const callback = await startVendorCallbackServer(t, { token: TOKEN, handlers });
    const h = await serverUsing(t, callback);
    const stored = await h.service.saveScheme({ xml: sample('ParametersAndExpressions') });
    const id = processId(3);
    await h.service.createInstance({ processId: id, schemeCode: stored.code, actor: as('John'), parameters: [] });
    const instance = await h.service.getInstance(id);
    assert.equal(instance.activityName, 'ParameterEqual');
    assert.equal(instance.parameters.TestParameter, 10);
    assert.equal(callback.calls.filter((call) => call.name === 'AddNumberToParameter').length, 5);
    assert.deepEqual(callback.violations, []);
  });

  for (const name of ['AutoTransitions', 'DirectTransitionsWithApproval', 'ExpressionConditionOtherwise', 'ParameterExpressionOtherwise', 'LoopForInt', 'LoopForeach', 'ParallelProcessesWithWaiting', 'Timer']) {
    it(`${name} runs with the callback server listening, every notification in the vendor's format`, async (t) => {
      const callback = await startVendorCallbackServer(t, { token: TOKEN, handlers });
      const h = await serverUsing(t, callback);
      const stored = await h.service.saveScheme({ xml: sample(name) });
      const id = processId(10);
      await h.service.createInstance({ processId: id, schemeCode: stored.code, actor: as('John'), parameters: [] });
      await h.settle();
      assert.ok(callback.statusChanges.length > 0, 'at least the first rest or end was notified');
      assert.ok(callback.statusChanges.every((change) => change.processId === id), 'never for a subprocess');
      assert.deepEqual(callback.violations, []);
      assert.deepEqual(h.errors, []);
    });
  }
});
