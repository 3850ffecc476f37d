/**
 * Issue #17 item 14: without a public URL, the Host header must not choose the issuer of the
 * discovery document and of access tokens, nor the origin of task links. Only loopback names, the
 * bound address and WAYMARK_ALLOWED_HOSTS may; any other Host is refused clearly on those endpoints.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isLoopbackHostName, PublicOrigin, SettingsService } from '../../src/access/index.js';
import { capturingLogger, TEST_API_TOKEN } from '../../src/access/testing.js';
import { loadConfig } from '../../src/config/index.js';
import { buildApp, installedPlugins } from '../../src/server/index.js';
import { publicUrlWarning, startServer } from '../../src/server/start-server.js';
import { createLogger } from '../../src/logging/index.js';
import { ManualClock } from '../../src/services/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { JANE, json, startApiV1Harness } from '../api-v1/harness.js';

async function realServer(t: TestContext, env: NodeJS.ProcessEnv): Promise<FastifyInstance> {
  const store = await createSqliteStore({ filename: ':memory:' });
  const settings = new SettingsService(store);
  await settings.setApiToken(TEST_API_TOKEN);
  await settings.setOidcEnabled(true);
  const { logger } = capturingLogger();
  const app = await buildApp({ config: loadConfig(env, {}, '/srv/waymark'), store, logger, clock: new ManualClock(), plugins: installedPlugins() });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return app;
}

const TOKEN_FORM = {
  'content-type': 'application/x-www-form-urlencoded',
};
const tokenRequest = `client_id=workflowapi&client_secret=${TEST_API_TOKEN}&grant_type=client_credentials`;

test('given no public URL, when discovery is asked for under an unknown Host, then it is refused and no issuer is reflected', async (t) => {
  const app = await realServer(t, {});
  const forged = await app.inject({ url: '/.well-known/openid-configuration', headers: { host: 'evil.example' } });
  assert.equal(forged.statusCode, 421);
  assert.equal(forged.json().code, 'WM_HOST_NOT_ALLOWED');
  assert.match(forged.json().message, /WAYMARK_PUBLIC_URL.*WAYMARK_ALLOWED_HOSTS/);
  assert.equal('issuer' in forged.json(), false);

  const local = await app.inject({ url: '/.well-known/openid-configuration', headers: { host: 'localhost:8077' } });
  assert.equal(local.statusCode, 200);
  assert.equal(local.json().issuer, 'http://localhost:8077');
  assert.equal(local.json().token_endpoint, 'http://localhost:8077/connect/token');
});

test('given no public URL, when a token is requested under an unknown Host, then none is issued', async (t) => {
  const app = await realServer(t, {});
  const forged = await app.inject({ method: 'POST', url: '/connect/token', headers: { ...TOKEN_FORM, host: 'evil.example' }, payload: tokenRequest });
  assert.equal(forged.statusCode, 400);
  assert.equal(forged.json().error, 'invalid_request');
  assert.equal('access_token' in forged.json(), false);
  const local = await app.inject({ method: 'POST', url: '/connect/token', headers: { ...TOKEN_FORM, host: '127.0.0.1:8077' }, payload: tokenRequest });
  assert.equal(local.statusCode, 200);
});

test('given WAYMARK_ALLOWED_HOSTS, then its names (with any port, or the one given) are issuers and others are not', async (t) => {
  const app = await realServer(t, { WAYMARK_ALLOWED_HOSTS: 'workflow.example.com,10.0.0.5:8077' });
  const discovery = (host: string) => app.inject({ url: '/.well-known/openid-configuration', headers: { host } });
  assert.equal((await discovery('Workflow.Example.com:8443')).json().issuer, 'http://workflow.example.com:8443');
  assert.equal((await discovery('10.0.0.5:8077')).json().issuer, 'http://10.0.0.5:8077');
  assert.equal((await discovery('10.0.0.5:9999')).statusCode, 421, 'an entry with a port allows that port only');
  assert.equal((await discovery('workflow.example.com.evil.example')).statusCode, 421);
});

test('given a public URL, then the Host header plays no part', async (t) => {
  const app = await realServer(t, { WAYMARK_PUBLIC_URL: 'https://workflow.example.com' });
  const response = await app.inject({ url: '/.well-known/openid-configuration', headers: { host: 'evil.example' } });
  assert.equal(response.statusCode, 200);
  assert.equal(response.json().issuer, 'https://workflow.example.com');
});

test('given no public URL, when an /api/v1 instance is started under an unknown Host, then it is refused and no instance is left behind', async (t) => {
  const h = await startApiV1Harness(t, { env: { WAYMARK_ALLOWED_HOSTS: 'workflow.example.com' } });
  const model = await h.publish(h.orgA.groups[0].id);
  const token = await h.tokenFor(h.orgA.groups[0].id);
  const start = (host: string) =>
    h.call(token, { method: 'POST', url: '/api/v1/workflowInstances', headers: { host }, payload: { wfModelId: model.id, wfData: { requesterEmail: JANE.email } } });

  const forged = await start('evil.example');
  assert.equal(forged.statusCode, 480);
  assert.match(json<{ message: string }>(forged).message, /does not answer to the host "evil.example"/);
  assert.equal((await h.store.listInstances({})).total, 0);

  const allowed = await start('workflow.example.com');
  assert.equal(allowed.statusCode, 200, allowed.body);
  assert.match(json<{ redirectUrl: string }>(allowed).redirectUrl, /^http:\/\/workflow\.example\.com\/workflows\//);
  const tasks = await h.call(token, { url: `/api/v1/user/${JANE.email}/tasks`, headers: { host: 'evil.example' } });
  assert.equal(tasks.statusCode, 480, 'task links are not built for an unknown Host either');
});

test('loopback names are always allowed; the bound address when it is a specific one', () => {
  for (const name of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) assert.ok(isLoopbackHostName(name), name);
  for (const name of ['localhost.evil.example', '128.0.0.1', '10.0.0.5', 'example.com']) assert.equal(isLoopbackHostName(name), false, name);
  const origin = new PublicOrigin({ publicUrl: null, bindHost: '10.0.0.5' });
  assert.equal(origin.of({ protocol: 'http', host: '10.0.0.5:8077' }), 'http://10.0.0.5:8077');
  assert.equal(origin.of({ protocol: 'http', host: '[::1]:8077' }), 'http://[::1]:8077');
  assert.throws(() => origin.of({ protocol: 'http', host: '' }), { code: 'WM_HOST_NOT_ALLOWED' });
  assert.equal(new PublicOrigin({ publicUrl: null, bindHost: '0.0.0.0' }).ofOrNull({ protocol: 'http', host: '0.0.0.0' }), null);
});

test('the start-up warning: no public URL on an address beyond loopback', () => {
  const config = (env: NodeJS.ProcessEnv) => loadConfig(env, {}, '/srv/waymark');
  assert.match(publicUrlWarning(config({})) ?? '', /no public URL is set and the server listens on 0\.0\.0\.0.*WAYMARK_ALLOWED_HOSTS: none besides loopback names/);
  assert.match(publicUrlWarning(config({ WAYMARK_ALLOWED_HOSTS: 'wf.example.com' })) ?? '', /WAYMARK_ALLOWED_HOSTS: wf\.example\.com/);
  assert.equal(publicUrlWarning(config({ HOST: '127.0.0.1' })), null);
  assert.equal(publicUrlWarning(config({ HOST: '::1' })), null);
  assert.equal(publicUrlWarning(config({ WAYMARK_PUBLIC_URL: 'https://wf.example.com' })), null);
});

test('a server started on 0.0.0.0 without a public URL warns at start; one on 127.0.0.1 does not', async (t) => {
  for (const [host, warns] of [['0.0.0.0', true], ['127.0.0.1', false]] as const) {
    const dataDir = mkdtempSync(join(tmpdir(), 'waymark-host-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const lines: { level: number; msg: string }[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) } });
    const server = await startServer(loadConfig({ PORT: '0', HOST: host, WAYMARK_DATA_DIR: dataDir, WAYMARK_ADMIN_PASSWORD: 'host header test password' }, {}), { logger, handleSignals: false, env: {} });
    await server.close();
    const warning = lines.find((line) => line.msg.startsWith('no public URL is set'));
    assert.equal(warning !== undefined, warns, `HOST=${host}`);
    if (warning) assert.equal(warning.level, 40);
  }
});
