/**
 * The real server, configured through its admin API: a callback server answering on the vendor
 * sample's paths works once configured — a Workflow API client creates an instance of a scheme
 * it generates and runs it to the end, and the notifications reach it.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logging/index.js';
import { startServer } from '../../src/server/index.js';
import { ManualClock } from '../../src/services/index.js';
import { basicAuth } from '../admin-api/harness.js';
import { startVendorCallbackServer } from '../support/vendor-callback-server.js';
import { tempDir } from './runtime-kit.js';

const PASSWORD = 'configured callbacks admin 9';
const PROCESS = '0b6a1c2d-0000-4000-8000-0000000000aa';

it('a callback server added through the admin API serves Workflow API calls: a generated scheme runs to the end', async (t) => {
  const vendor = await startVendorCallbackServer(t, {
    token: 'configured-token-1',
    handlers: {
      generate: (request) =>
        request.scheme.replace(
          /<Transitions>[\s\S]*<\/Transitions>/,
          '<Transitions><Transition Name="Requested_Approved" From="Requested" To="Approved" Classifier="Direct"><Triggers><Trigger Type="Auto" /></Triggers><Conditions><Condition Type="Action" NameRef="IsApproved" /></Conditions></Transition></Transitions>',
        ),
      conditions: { IsApproved: (_parameter, instance) => instance.ProcessParameters?.Subject === 'laptop' },
    },
  });
  const clock = new ManualClock('2026-03-02T08:00:00.000Z');
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', WAYMARK_DATA_DIR: tempDir(t) }, {});
  const server = await startServer(config, { clock, handleSignals: false, logger: createLogger({ level: 'silent' }), env: { WAYMARK_ADMIN_PASSWORD: PASSWORD } });
  t.after(() => server.close());
  const admin = { authorization: basicAuth(PASSWORD) };

  // A scheme with a C# code action is refused while no callback server could run it instead…
  const codeAction = codeActionScheme();
  const refused = await server.app.inject({ method: 'POST', url: '/admin/api/schemes', headers: { ...admin, 'content-type': 'application/xml' }, payload: codeAction });
  assert.equal(refused.statusCode, 400);
  assert.match(refused.json().message, /AddOne/);

  const added = await server.app.inject({ method: 'POST', url: '/admin/api/callback-servers', headers: admin, payload: { name: 'vendor', baseUrl: vendor.baseUrl, token: 'configured-token-1', allMethods: true } });
  assert.equal(added.statusCode, 201, added.body);
  const scheme = readFileSync(new URL('../fixtures/callback-api/ApprovalChain.xml', import.meta.url), 'utf8');
  const imported = await server.app.inject({ method: 'POST', url: '/admin/api/schemes', headers: { ...admin, 'content-type': 'application/xml' }, payload: scheme });
  assert.equal(imported.statusCode, 201, imported.body);
  // The runtime reads its settings at most every 5 seconds.
  clock.advance(5_001);
  // …and accepted once one is configured, without a restart.
  const accepted = await server.app.inject({ method: 'POST', url: '/admin/api/schemes', headers: { ...admin, 'content-type': 'application/xml' }, payload: codeAction });
  assert.equal(accepted.statusCode, 201, accepted.body);

  const created = await server.app.inject({
    method: 'POST',
    url: `/workflowapi/createinstance/${PROCESS}`,
    payload: { schemeCode: 'ApprovalChain', schemeParameters: { Kind: 'auto-approval' }, parameters: [{ name: 'Subject', value: 'laptop', persist: true }] },
  });
  assert.equal(created.json().success, true, created.body);
  const info = await server.app.inject({ method: 'POST', url: `/workflowapi/getinstanceinfo/${PROCESS}` });
  assert.equal(info.json().data.ActivityName, 'Approved', 'the generated scheme approved it at once');
  assert.equal(info.json().data.InstanceStatus, 3);

  for (let attempt = 0; attempt < 500 && !vendor.statusChanges.some((change) => change.newStatus === 'Finalized'); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.deepEqual(vendor.statusChanges.map((change) => `${change.processId} ${change.oldStatus}->${change.newStatus}`), [`${PROCESS} Running->Finalized`]);
  assert.deepEqual(vendor.calls.filter((call) => call.method === 'generate').map((call) => call.schemeCode), ['ApprovalChain']);
  assert.deepEqual(vendor.violations, []);
});

/** A scheme whose only action is C# code (a code action named AddOne). */
function codeActionScheme(): string {
  return `<Process Name="CodeActionScheme">
  <Activities>
    <Activity Name="Start" State="Start" IsInitial="true" IsFinal="true">
      <Implementation><ActionRef Order="1" NameRef="AddOne" /></Implementation>
    </Activity>
  </Activities>
  <CodeActions>
    <CodeAction Name="AddOne" Type="Action" IsGlobal="False" IsAsync="False"><ActionCode><![CDATA[processInstance.SetParameter("N", 1);]]></ActionCode></CodeAction>
  </CodeActions>
</Process>`;
}
