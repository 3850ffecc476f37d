/**
 * The transactional outbox: webhook messages written with their step, delivered after commit,
 * signed; a crash between commit and delivery loses nothing; delivery in order per instance;
 * retries with exponential backoff on 500s.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ManualClock } from '../../src/services/index.js';
import { createRuntimeParts, retryDelayMs, DEFAULT_RETRY_POLICY } from '../../src/runtime/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { actor, openHarness, tempDir } from './runtime-kit.js';
import { jsonBody, startTestServer } from './test-http-server.js';

const run = promisify(execFile);
const childScript = fileURLToPath(new URL('./outbox-commit-child.ts', import.meta.url));

/** A scheme that sends a webhook when it starts and each time `Send` runs. */
function webhookSchemeXml(url: string, secret = 'topsecret'): string {
  return `<Process Name="Hooks">
  <Parameters><Parameter Name="Count" Type="Int32" Purpose="Persistence" InitialValue="1" /></Parameters>
  <Commands><Command Name="Send" /></Commands>
  <Activities>
    <Activity Name="Waiting" State="Waiting" IsInitial="True" IsFinal="False">
      <Implementation>
        <ActionRef Order="1" NameRef="Webhook"><ActionParameter><![CDATA[{"Url":"${url}","Secret":"${secret}"}]]></ActionParameter></ActionRef>
      </Implementation>
    </Activity>
  </Activities>
  <Transitions>
    <Transition Name="Again" To="Waiting" From="Waiting" Classifier="Direct">
      <Triggers><Trigger Type="Command" NameRef="Send" /></Triggers>
      <Conditions><Condition Type="Always" /></Conditions>
    </Transition>
  </Transitions>
</Process>`;
}

describe('webhooks through the outbox', () => {
  it('a webhook committed by a process that died before dispatching is delivered, signed, after restart', async (t) => {
    const receiver = await startTestServer(t, () => ({ json: { ok: true } }));
    const dataDir = tempDir(t);
    const schemeFile = join(dataDir, 'hooks.xml');
    writeFileSync(schemeFile, webhookSchemeXml(`${receiver.origin}/hook`));
    const child = await run(process.execPath, ['--import', 'tsx', childScript, dataDir, schemeFile], {
      env: { ...process.env, WAYMARK_HTTP_ALLOWLIST: receiver.host },
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
    });
    assert.equal(child.stdout.trim(), 'committed');
    assert.equal(receiver.requests.length, 0, 'nothing was sent before the crash');

    const clock = new ManualClock('2026-03-02T08:05:00.000Z');
    const store = await createSqliteStore({ dataDir });
    t.after(() => store.close());
    assert.equal((await store.listOutboxMessages({})).length, 1, 'the message survived');
    const parts = await createRuntimeParts({ store, clock, env: { WAYMARK_HTTP_ALLOWLIST: receiver.host } });
    const h = await openHarness(t, { store, clock, service: { external: parts.external, stepMessages: parts.stepMessages }, runtime: { deliver: parts.deliver } });
    h.runtime.start();
    await h.settle();

    assert.equal(receiver.requests.length, 1);
    const [request] = receiver.requests;
    const body = jsonBody(request!);
    assert.deepEqual(Object.keys(body).sort(), ['timestamp', 'wfInstanceId', 'wfVariables']);
    assert.equal(body.wfInstanceId, 'crash-1');
    assert.equal(body.timestamp, '2026-03-02T08:00:00.000Z');
    assert.deepEqual(body.wfVariables, { Count: 1 });
    const expected = createHmac('sha256', 'topsecret').update(Buffer.from(request!.body, 'utf8')).digest('hex');
    assert.equal(request!.headers['ontask-signature'], expected, 'HMAC-SHA256 of the exact body bytes');
    assert.equal(request!.headers['content-type'], 'application/json');
    assert.deepEqual(await store.listOutboxMessages({}), []);
  });

  it('retries on 500 with exponential backoff and keeps each instance\'s messages in order', async (t) => {
    let failuresLeft = 2;
    const receiver = await startTestServer(t, () => (failuresLeft-- > 0 ? { status: 500, text: 'busy' } : { json: { ok: true } }));
    const store = await createSqliteStore({ filename: ':memory:' });
    const clock = new ManualClock('2026-03-02T08:00:00.000Z');
    const parts = await createRuntimeParts({ store, clock, env: { WAYMARK_HTTP_ALLOWLIST: receiver.host } });
    const h = await openHarness(t, { store, clock, service: { external: parts.external, stepMessages: parts.stepMessages }, runtime: { deliver: parts.deliver } });
    t.after(() => store.close());
    await h.service.saveScheme({ xml: webhookSchemeXml(`${receiver.origin}/hook`) });
    h.runtime.start();
    await h.service.createInstance({ processId: 'h-1', schemeCode: 'Hooks', actor, parameters: [] });
    await h.service.setParameter('h-1', 'Count', 2);
    await h.service.executeCommand({ processId: 'h-1', command: 'Send', actor, parameters: [] });
    await h.settle();

    assert.equal(receiver.requests.length, 1, 'first attempt failed; the second message waits behind the first');
    const [pending] = await store.listOutboxMessages({ processId: 'h-1' });
    assert.equal(pending?.attempts, 1);
    assert.match(pending?.lastError ?? '', /Webhook http:\/\/127\.0\.0\.1:\d+ answered 500/);

    await h.advance(retryDelayMs(DEFAULT_RETRY_POLICY, 1) - 1);
    assert.equal(receiver.requests.length, 1, 'not retried before the backoff');
    await h.advance(1);
    assert.equal(receiver.requests.length, 2, 'retried after 1 s, failed again');
    await h.advance(retryDelayMs(DEFAULT_RETRY_POLICY, 2) - 1);
    assert.equal(receiver.requests.length, 2, 'the second backoff is longer (2 s)');
    await h.advance(1);
    assert.equal(receiver.requests.length, 4, 'the first delivered, then the second');
    assert.deepEqual(receiver.requests.map((r) => (jsonBody(r).wfVariables as { Count: number }).Count), [1, 1, 1, 2]);
    assert.deepEqual(await store.listOutboxMessages({}), []);
  });

  it('a webhook to a host not on the allowlist fails the action with how to allow it', async (t) => {
    const h = await openHarness(t);
    const parts = await createRuntimeParts({ store: h.store, clock: h.clock, env: {} });
    const strict = await openHarness(t, { store: h.store, clock: h.clock, service: { external: parts.external, stepMessages: parts.stepMessages } });
    await strict.service.saveScheme({ xml: webhookSchemeXml('http://hooks.example.com/in') });
    const created = await strict.service.createInstance({ processId: 'h-2', schemeCode: 'Hooks', actor, parameters: [] });
    assert.match(created.errorMessage ?? '', /Host hooks\.example\.com is not in the outbound allowlist; set WAYMARK_HTTP_ALLOWLIST=hooks\.example\.com to allow it$/);
    assert.deepEqual(await h.store.listOutboxMessages({}), []);
  });

  it("a service given no step outbox still stores the webhook messages of each step's result", async (t) => {
    const h = await openHarness(t);
    const parts = await createRuntimeParts({ store: h.store, clock: h.clock, env: { WAYMARK_HTTP_ALLOWLIST: 'hooks.example.com' } });
    const plain = await openHarness(t, { store: h.store, clock: h.clock, service: { external: parts.external } });
    await plain.service.saveScheme({ xml: webhookSchemeXml('http://hooks.example.com/in') });
    await plain.service.createInstance({ processId: 'h-3', schemeCode: 'Hooks', actor, parameters: [] });
    const [message] = await h.store.listOutboxMessages({ processId: 'h-3' });
    assert.equal(message?.kind, 'webhook');
    assert.equal((message?.payload as { url: string }).url, 'http://hooks.example.com/in');
  });
});
