/**
 * The Callback API client against a real loopback callback server: a custom condition and actor
 * rule, a failing action putting the instance in Error with a precise reason and `resume`
 * recovering it, and each way a call can fail. (The vendor's wire format end to end:
 * vendor-callback-contract.test.ts.)
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { InstanceStatus } from '../../src/engine/index.js';
import { createRuntimeParts } from '../../src/runtime/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { ManualClock } from '../../src/services/index.js';
import { projectSchemes } from '../support/scheme-fixtures.js';
import { openHarness, type RuntimeHarness } from './runtime-kit.js';
import { jsonBody, startTestServer, type RecordedRequest, type TestAnswer, type TestHttpServer } from './test-http-server.js';

const vacationXml = projectSchemes.xml('VacationRequest');
const john = { identityId: 'John', impersonatedIdentityId: null };

/** A scheme whose initial activity runs the callback action JsonBackup (as the vendor's VacationRequest sample does). */
const backupXml = `<Process Name="Backup">
  <Commands><Command Name="Go" /></Commands>
  <Activities>
    <Activity Name="Created" State="Created" IsInitial="True" IsFinal="False">
      <Implementation><ActionRef Order="1" NameRef="JsonBackup"><ActionParameter><![CDATA[StartBackup]]></ActionParameter></ActionRef></Implementation>
    </Activity>
    <Activity Name="Done" State="Done" IsInitial="False" IsFinal="True" />
  </Activities>
  <Transitions>
    <Transition Name="Created_Done" To="Done" From="Created" Classifier="Direct">
      <Triggers><Trigger Type="Command" NameRef="Go" /></Triggers>
      <Conditions><Condition Type="Always" /></Conditions>
    </Transition>
  </Transitions>
</Process>`;

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
  assert.equal(await parts.callbackServerConfigured(), true);
  return openHarness(t, {
    store,
    clock,
    service: { external: parts.external, stepMessages: parts.stepMessages, callbackServerConfigured: true },
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
    await h.service.saveScheme({ xml: backupXml });
    const created = await h.service.createInstance({ processId: 'vr-2', schemeCode: 'Backup', actor: john, parameters: [] });
    assert.equal(created.status, InstanceStatus.Error);
    assert.match(created.errorMessage ?? '', new RegExp(`Callback server callback-server-1 \\(${callback.origin}\\) answered 500 for executeaction 'JsonBackup'`));

    failing = false;
    const resumed = await h.service.resume({ processId: 'vr-2', actor: john, parameters: [] });
    assert.equal(resumed.wasResumed, true);
    assert.equal(resumed.instance.status, InstanceStatus.Idled);
    assert.equal(resumed.instance.activityName, 'Created');
    assert.equal(resumed.instance.errorMessage, null);
  });

  it('an action that no server lists, a timeout and a bad answer each give a precise reason', async (t) => {
    const callback = await startTestServer(t, callbackHandler());
    const h = await serverWithCallbacks(t, callback, undefined, 500);
    await h.service.saveScheme({ xml: backupXml.replaceAll('JsonBackup', 'Unlisted') });
    const unlisted = await h.service.createInstance({ processId: 'u-1', schemeCode: 'Backup', actor: john, parameters: [] });
    assert.match(unlisted.errorMessage ?? '', /Action 'Unlisted' is not built into Waymark and no configured callback server lists it in getactions/);

    await h.service.saveScheme({ xml: backupXml });
    callback.handler = (r) => (r.path === '/callback/executeaction' ? { text: 'not json' } : callbackHandler()(r));
    const bad = await h.service.createInstance({ processId: 'u-2', schemeCode: 'Backup', actor: john, parameters: [] });
    assert.match(bad.errorMessage ?? '', /gave a bad answer to executeaction 'JsonBackup': the answer is not JSON/);

    callback.handler = (r) => (r.path === '/callback/executeaction' ? new Promise<TestAnswer>((resolve) => setTimeout(() => resolve({ json: { success: true } }), 3000)) : callbackHandler()(r));
    const slow = await h.service.createInstance({ processId: 'u-3', schemeCode: 'Backup', actor: john, parameters: [] });
    assert.match(slow.errorMessage ?? '', /no answer from http:\/\/127\.0\.0\.1:\d+ within 500 ms/);
  });

  it('refuses an answer with a prototype key or nested too deep, and never shows the token in a reason', async (t) => {
    const callback = await startTestServer(t, callbackHandler());
    const h = await serverWithCallbacks(t, callback);
    await h.service.saveScheme({ xml: backupXml });

    callback.handler = (r) => (r.path === '/callback/executeaction' ? { text: '{"success":true,"data":{"__proto__":{"polluted":true}}}' } : callbackHandler()(r));
    const proto = await h.service.createInstance({ processId: 'x-1', schemeCode: 'Backup', actor: john, parameters: [] });
    assert.match(proto.errorMessage ?? '', /gave a bad answer to executeaction 'JsonBackup': it holds the key '__proto__'/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);

    const deep = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;
    callback.handler = (r) => (r.path === '/callback/executeaction' ? { text: `{"success":true,"data":${deep}}` } : callbackHandler()(r));
    const nested = await h.service.createInstance({ processId: 'x-2', schemeCode: 'Backup', actor: john, parameters: [] });
    assert.match(nested.errorMessage ?? '', /it is nested deeper than 64 levels/);

    callback.handler = (r) => (r.path === '/callback/executeaction' ? { json: { success: false, error: 'Denied', message: 'token secret-token is revoked' } } : callbackHandler()(r));
    const refused = await h.service.createInstance({ processId: 'x-3', schemeCode: 'Backup', actor: john, parameters: [] });
    assert.equal(refused.errorMessage, "Action JsonBackup failed: WM_ACTION_FAILED: Callback server callback-server-1 refused executeaction 'JsonBackup': Denied: token [Redacted] is revoked");
  });
});
