/**
 * The Callback API against a real loopback callback server: VacationRequest.xml end to end with
 * its JsonBackup action and its 10-minute SendToBigBoss timer firing through the scheduler,
 * a custom condition and actor rule, a failing action putting the instance in Error with a
 * precise reason and `resume` recovering it, and the status/activity notifications delivered
 * through the outbox.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { InstanceStatus } from '../../src/engine/index.js';
import { UserService } from '../../src/services/index.js';
import { createRuntimeParts } from '../../src/runtime/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { ManualClock } from '../../src/services/index.js';
import { projectSchemes } from '../support/scheme-fixtures.js';
import { openHarness, type RuntimeHarness } from './runtime-kit.js';
import { jsonBody, startTestServer, type RecordedRequest, type TestAnswer, type TestHttpServer } from './test-http-server.js';

const vacationXml = projectSchemes.xml('VacationRequest');
const john = { identityId: 'John', impersonatedIdentityId: null };
const BOSS = 'aaaaaaaa-0000-4000-8000-000000000001';

/** A callback server providing JsonBackup, IsWorkingDay and IsTeamLead. */
function callbackHandler(options: { failJsonBackup?: () => boolean } = {}) {
  return (request: RecordedRequest): TestAnswer => {
    switch (request.path) {
      case '/callback/getactions':
        return { json: { success: true, data: ['JsonBackup'] } };
      case '/callback/getconditions':
        return { json: { success: true, data: ['IsWorkingDay'] } };
      case '/callback/getrules':
        return { json: { success: true, data: ['IsTeamLead'] } };
      case '/callback/executeaction': {
        const body = jsonBody(request);
        if (body.name === 'JsonBackup' && options.failJsonBackup?.()) return { status: 500, text: 'disk full' };
        return { json: { success: true, data: { LastBackup: body.parameter } } };
      }
      case '/callback/executecondition':
        return { json: { success: true, data: jsonBody(request).parameter === 'yes' } };
      case '/callback/checkrule':
        return { json: { success: true, data: jsonBody(request).identityId === 'Lead' } };
      case '/callback/getidentities':
        return { json: { success: true, data: ['Lead'] } };
      case '/callback/processstatuschanged':
      case '/callback/processactivitychanged':
        return { json: { success: true } };
      default:
        return { status: 404, text: 'no such path' };
    }
  };
}

// A loaded CI machine can take a second to answer on loopback: only the timeout test uses a short limit.
async function serverWithCallbacks(t: TestContext, callback: TestHttpServer, clock = new ManualClock('2026-03-02T08:00:00.000Z'), timeoutMs = 10_000): Promise<RuntimeHarness> {
  const store = await createSqliteStore({ filename: ':memory:' });
  t.after(() => store.close());
  await store.setSetting('callbackServers', [{ baseUrl: `${callback.origin}/callback`, token: 'secret-token', timeoutMs }]);
  const parts = await createRuntimeParts({ store, clock, env: {} });
  assert.equal(parts.callbackServerConfigured, true);
  return openHarness(t, {
    store,
    clock,
    service: { external: parts.external, outbox: parts.outbox, callbackServerConfigured: true },
    runtime: { deliver: parts.deliver },
  });
}

const customXml = `<Process Name="Custom">
  <Actors><Actor Name="Lead" Rule="IsTeamLead" Value="team-a" /></Actors>
  <Parameters><Parameter Name="Answer" Type="String" Purpose="Persistence" InitialValue="yes" /></Parameters>
  <Commands><Command Name="Go" /></Commands>
  <Activities>
    <Activity Name="Start" State="Start" IsInitial="True" IsFinal="False" />
    <Activity Name="Approved" State="Approved" IsInitial="False" IsFinal="True" />
  </Activities>
  <Transitions>
    <Transition Name="Start_Approved" To="Approved" From="Start" Classifier="Direct">
      <Restrictions><Restriction Type="Allow" NameRef="Lead" /></Restrictions>
      <Triggers><Trigger Type="Command" NameRef="Go" /></Triggers>
      <Conditions><Condition Type="Action" NameRef="IsWorkingDay"><ActionParameter><![CDATA[yes]]></ActionParameter></Condition></Conditions>
    </Transition>
  </Transitions>
</Process>`;

describe('callback servers', () => {
  it('VacationRequest runs end to end: JsonBackup on the callback server, SendToBigBoss fired by the scheduler, notifications delivered in order', async (t) => {
    const callback = await startTestServer(t, callbackHandler());
    const h = await serverWithCallbacks(t, callback);
    const users = new UserService(h.store, h.clock);
    await users.create({ id: BOSS, name: 'Boss', roles: ['Big Boss'] });
    await h.service.saveScheme({ xml: vacationXml });
    h.runtime.start();

    const created = await h.service.createInstance({ processId: 'vr-1', schemeCode: 'VacationRequest', actor: john, parameters: [{ name: 'Sum', value: 50 }] });
    assert.equal(created.status, InstanceStatus.Idled);
    const backup = callback.requests.find((r) => r.path === '/callback/executeaction')!;
    assert.deepEqual({ ...jsonBody(backup), processInstance: undefined }, { name: 'JsonBackup', parameter: 'StartBackup', token: 'secret-token', processInstance: undefined });
    assert.equal((jsonBody(backup).processInstance as { id: string }).id, 'vr-1');
    assert.equal(callback.requests.find((r) => r.path === '/callback/getactions')?.query.get('schemeCode'), 'VacationRequest');

    await h.service.executeCommand({ processId: 'vr-1', command: 'StartSigning', actor: john, parameters: [] });
    assert.equal((await h.service.getInstance('vr-1')).activityName, 'ManagerSigning');
    await h.advance(9 * 60_000);
    assert.equal((await h.service.getInstance('vr-1')).activityName, 'ManagerSigning');
    await h.advance(60_000);
    assert.equal((await h.service.getInstance('vr-1')).activityName, 'BigBossSigning', 'the 10-minute timer fired');
    await h.service.executeCommand({ processId: 'vr-1', command: 'Approve', actor: { identityId: BOSS, impersonatedIdentityId: null }, parameters: [] });
    await h.settle();

    const history = await h.store.getHistory('vr-1');
    assert.deepEqual(history.map((r) => `${r.toActivityName}:${r.triggerType}`), ['ManagerSigning:Command', 'BigBossSigning:Timer', 'AccountingReview:Command']);
    assert.equal(callback.requests.filter((r) => r.path === '/callback/getactions').length, 1, 'getactions is cached');

    const notifications = callback.requests.filter((r) => r.path.startsWith('/callback/process')).map((r) => {
      const body = jsonBody(r);
      return r.path === '/callback/processstatuschanged' ? `status ${body.oldStatus}->${body.newStatus}` : `activity ${body.previousActivityName}->${body.currentActivityName}`;
    });
    assert.ok(notifications.length > 0);
    assert.ok(notifications.includes('activity ManagerSigning->BigBossSigning'), notifications.join(', '));
    const activityOrder = notifications.filter((n) => n.startsWith('activity'));
    assert.deepEqual(activityOrder.slice(-3), ['activity VacationRequestCreated->ManagerSigning', 'activity ManagerSigning->BigBossSigning', 'activity BigBossSigning->AccountingReview'], 'delivered in order');
    assert.ok(notifications.every((n) => !n.startsWith('status') || /->(2|3)$/.test(n)), 'status notifications only for Idled and Finalized');
    assert.deepEqual(await h.store.listOutboxMessages({}), [], 'all delivered');
    assert.deepEqual(h.errors, []);
  });

  it('a custom condition and actor rule are asked of the callback server', async (t) => {
    const callback = await startTestServer(t, callbackHandler());
    const h = await serverWithCallbacks(t, callback);
    await h.service.saveScheme({ xml: customXml });
    await h.service.createInstance({ processId: 'c-1', schemeCode: 'Custom', actor: john, parameters: [] });
    assert.deepEqual((await h.service.getAvailableCommands({ processId: 'c-1', actor: { identityId: 'Other', impersonatedIdentityId: null } })).map((c) => c.name), []);
    assert.deepEqual((await h.service.getAvailableCommands({ processId: 'c-1', actor: { identityId: 'Lead', impersonatedIdentityId: null } })).map((c) => c.name), ['Go']);
    const result = await h.service.executeCommand({ processId: 'c-1', command: 'Go', actor: { identityId: 'Lead', impersonatedIdentityId: null }, parameters: [] });
    assert.equal(result.instance.activityName, 'Approved');
    const rule = callback.requests.find((r) => r.path === '/callback/checkrule' && jsonBody(r).identityId === 'Lead')!;
    assert.equal(jsonBody(rule).name, 'IsTeamLead');
    assert.equal(jsonBody(rule).parameter, 'team-a');
    assert.ok(callback.requests.some((r) => r.path === '/callback/executecondition' && jsonBody(r).name === 'IsWorkingDay'));
  });

  it('a failing action puts the instance in Error with the precise reason, and resume retries it', async (t) => {
    let failing = true;
    const callback = await startTestServer(t, callbackHandler({ failJsonBackup: () => failing }));
    const h = await serverWithCallbacks(t, callback);
    await h.service.saveScheme({ xml: vacationXml });
    const created = await h.service.createInstance({ processId: 'vr-2', schemeCode: 'VacationRequest', actor: john, parameters: [] });
    assert.equal(created.status, InstanceStatus.Error);
    assert.match(created.errorMessage ?? '', new RegExp(`Callback server ${callback.origin}/callback answered 500 for executeaction 'JsonBackup'`));

    failing = false;
    const resumed = await h.service.resume({ processId: 'vr-2', actor: john, parameters: [] });
    assert.equal(resumed.wasResumed, true);
    assert.equal(resumed.instance.status, InstanceStatus.Idled);
    assert.equal(resumed.instance.activityName, 'VacationRequestCreated');
    assert.equal(resumed.instance.errorMessage, null);
  });

  it('an action that no server lists, a timeout and a bad answer each give a precise reason', async (t) => {
    const callback = await startTestServer(t, callbackHandler());
    const h = await serverWithCallbacks(t, callback, undefined, 500);
    await h.service.saveScheme({ xml: vacationXml.replaceAll('JsonBackup', 'Unlisted') });
    const unlisted = await h.service.createInstance({ processId: 'u-1', schemeCode: 'VacationRequest', actor: john, parameters: [] });
    assert.match(unlisted.errorMessage ?? '', /Action 'Unlisted' is not built into Waymark and no configured callback server lists it in getactions/);

    await h.service.saveScheme({ xml: vacationXml });
    callback.handler = (r) => (r.path === '/callback/executeaction' ? { text: 'not json' } : callbackHandler()(r));
    const bad = await h.service.createInstance({ processId: 'u-2', schemeCode: 'VacationRequest', actor: john, parameters: [] });
    assert.match(bad.errorMessage ?? '', /gave a bad answer to executeaction 'JsonBackup': the answer is not JSON/);

    callback.handler = (r) => (r.path === '/callback/executeaction' ? new Promise<TestAnswer>((resolve) => setTimeout(() => resolve({ json: { success: true } }), 3000)) : callbackHandler()(r));
    const slow = await h.service.createInstance({ processId: 'u-3', schemeCode: 'VacationRequest', actor: john, parameters: [] });
    assert.match(slow.errorMessage ?? '', /no answer from http:\/\/127\.0\.0\.1:\d+ within 500 ms/);
  });
});
