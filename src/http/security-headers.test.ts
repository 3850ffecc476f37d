import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../logging/index.js';
import { ManualClock } from '../services/index.js';
import { createSqliteStore } from '../store/index.js';
import { adminPanelFiles } from './admin-panel-files.js';
import { buildApp, installedPlugins } from '../server/index.js';
import {
  ADMIN_PANEL_CONTENT_SECURITY_POLICY,
  API_CONTENT_SECURITY_POLICY,
  contentSecurityPolicyFor,
  PAGE_CONTENT_SECURITY_POLICY,
  registerSecurityHeaders,
  staticSecurityHeaders,
} from './security-headers.js';

/** A folder that looks like Vite's build of the admin panel: an HTML page and its script. */
function fakePanelBuild(t: TestContext): string {
  const directory = mkdtempSync(join(tmpdir(), 'waymark-panel-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  mkdirSync(join(directory, 'assets'));
  writeFileSync(join(directory, 'index.html'), '<!doctype html><script type="module" src="/admin/assets/app.js"></script>');
  writeFileSync(join(directory, 'assets', 'app.js'), 'console.log(1)');
  return directory;
}

async function realServer(t: TestContext, env: NodeJS.ProcessEnv = {}): Promise<FastifyInstance> {
  const store = await createSqliteStore({ filename: ':memory:' });
  const app = await buildApp({
    config: loadConfig(env, {}, '/srv/waymark'),
    store,
    logger: createLogger({ level: 'silent' }),
    clock: new ManualClock(),
    // The installed plugins, with the admin panel served from a stand-in build.
    plugins: [...installedPlugins().filter((plugin) => plugin.name !== 'admin-panel'), adminPanelFiles({ directory: fakePanelBuild(t) })],
  });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return app;
}

function assertCommonHeaders(headers: Record<string, unknown>, what: string): void {
  assert.equal(headers['x-content-type-options'], 'nosniff', what);
  assert.equal(headers['referrer-policy'], 'no-referrer', what);
  assert.equal(headers['x-frame-options'], 'DENY', what);
  assert.match(String(headers['content-security-policy']), /frame-ancestors 'none'/, what);
}

test('every kind of answer of the real server carries the security headers; JSON gets the strictest policy', async (t) => {
  const app = await realServer(t);
  const answers = {
    liveness: await app.inject({ url: '/liveness' }),
    notFound: await app.inject({ url: '/no/such/route' }),
    workflowApiRefusal: await app.inject({ method: 'POST', url: '/workflowapi/nosuch', payload: {} }),
    adminApiRefusal: await app.inject({ url: '/admin/api/schemes' }),
    apiV1Refusal: await app.inject({ url: '/api/v1/workflowModels' }),
    discovery: await app.inject({ url: '/.well-known/openid-configuration' }),
    openapi: await app.inject({ url: '/openapi/workflowapi.json' }),
  };
  for (const [what, response] of Object.entries(answers)) {
    assertCommonHeaders(response.headers, what);
    assert.equal(response.headers['content-security-policy'], API_CONTENT_SECURITY_POLICY, what);
  }
});

test('the API documents\' pages get the page policy and need nothing it forbids', async (t) => {
  const app = await realServer(t);
  for (const url of ['/docs', '/docs/workflowapi', '/docs/api-v1']) {
    const page = await app.inject({ url });
    assert.equal(page.statusCode, 200, url);
    assertCommonHeaders(page.headers, url);
    assert.equal(page.headers['content-security-policy'], PAGE_CONTENT_SECURITY_POLICY, url);
    // What the policy allows: inline <style> only. The pages must not need anything else.
    assert.doesNotMatch(page.body, /<script|<link|<img|<iframe|style="|src=/i, `${url} loads nothing the policy forbids`);
  }
});

test('HTML pages under /admin get the admin panel policy; its scripts and styles come from the same origin', async (t) => {
  const app = await realServer(t);
  const panel = await app.inject({ url: '/admin/' });
  assert.equal(panel.statusCode, 200);
  assertCommonHeaders(panel.headers, '/admin/');
  assert.equal(panel.headers['content-security-policy'], ADMIN_PANEL_CONTENT_SECURITY_POLICY);
  assert.match(ADMIN_PANEL_CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
  assert.doesNotMatch(ADMIN_PANEL_CONTENT_SECURITY_POLICY, /script-src[^;]*unsafe/);
  const script = await app.inject({ url: '/admin/assets/app.js' });
  assert.equal(script.headers['content-security-policy'], API_CONTENT_SECURITY_POLICY);
});

test('Strict-Transport-Security is sent only when the public URL is https', async (t) => {
  const plain = await realServer(t);
  assert.equal((await plain.inject({ url: '/liveness' })).headers['strict-transport-security'], undefined);
  const secure = await realServer(t, { WAYMARK_PUBLIC_URL: 'https://workflow.example.com' });
  assert.match(String((await secure.inject({ url: '/liveness' })).headers['strict-transport-security']), /^max-age=31536000/);
});

test('a route that sets its own policy keeps it', async (t) => {
  const app = Fastify();
  t.after(() => app.close());
  registerSecurityHeaders(app, { publicUrl: null });
  app.get('/own', async (_request, reply) => reply.header('content-security-policy', "default-src 'none'; sandbox").send({ ok: true }));
  const response = await app.inject({ url: '/own' });
  assert.equal(response.headers['content-security-policy'], "default-src 'none'; sandbox");
});

test('the policy is chosen by content type and path', () => {
  assert.equal(contentSecurityPolicyFor('/admin', 'text/html; charset=utf-8'), ADMIN_PANEL_CONTENT_SECURITY_POLICY);
  assert.equal(contentSecurityPolicyFor('/admin/instances/42?tab=history', 'text/html'), ADMIN_PANEL_CONTENT_SECURITY_POLICY);
  assert.equal(contentSecurityPolicyFor('/administrator', 'text/html'), PAGE_CONTENT_SECURITY_POLICY);
  assert.equal(contentSecurityPolicyFor('/workflows/x/tasks/current?token=t', 'text/html'), PAGE_CONTENT_SECURITY_POLICY);
  assert.equal(contentSecurityPolicyFor('/admin/api/schemes', 'application/json; charset=utf-8'), API_CONTENT_SECURITY_POLICY);
  assert.equal(contentSecurityPolicyFor('/anything', undefined), API_CONTENT_SECURITY_POLICY);
});

test('the static headers are helmet\'s, with frames denied and no referrer', () => {
  const headers = staticSecurityHeaders({ publicUrl: null });
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(headers['content-security-policy'], undefined, 'the policy depends on the answer');
  assert.ok(Object.isFrozen(headers));
});
