/**
 * The admin panel's files at /admin: the app for every page URL (deep links), its assets, the
 * server's own routes left alone, and a clear 503 without a build.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config/index.js';
import { waymarkPlugin as adminApi } from '../dialects/admin-api/index.js';
import { createLogger } from '../logging/index.js';
import { ManualClock } from '../services/index.js';
import { buildApp } from '../server/index.js';
import { createSqliteStore } from '../store/index.js';
import { adminPanelFiles } from './admin-panel-files.js';
import { ADMIN_PANEL_CONTENT_SECURITY_POLICY } from './security-headers.js';

const INDEX_HTML = '<!doctype html><html><body><div id="root"></div><script type="module" src="/admin/assets/index-abc123.js"></script></body></html>';

/** A folder that looks like Vite's build of the panel. */
function fakeBuild(t: TestContext): string {
  const directory = mkdtempSync(join(tmpdir(), 'waymark-panel-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  mkdirSync(join(directory, 'assets'));
  mkdirSync(join(directory, '.vite'));
  writeFileSync(join(directory, 'index.html'), INDEX_HTML);
  writeFileSync(join(directory, 'assets', 'index-abc123.js'), 'console.log("panel");');
  writeFileSync(join(directory, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(directory, '.vite', 'manifest.json'), '{}');
  return directory;
}

async function serverWithPanel(t: TestContext, directory: string): Promise<FastifyInstance> {
  const store = await createSqliteStore({ dataDir: '.', filename: ':memory:' });
  const app = await buildApp({
    config: loadConfig({}, {}, '/srv/waymark'),
    store,
    logger: createLogger({ level: 'silent' }),
    clock: new ManualClock(),
    plugins: [adminApi, adminPanelFiles({ directory })],
  });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return app;
}

test('given a built panel, when a browser opens / or /admin, then it is sent to /admin/', async (t) => {
  const app = await serverWithPanel(t, fakeBuild(t));
  for (const url of ['/', '/admin']) {
    const response = await app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 302, url);
    assert.equal(response.headers.location, '/admin/', url);
  }
});

test('given a built panel, when any page URL is opened, then the app answers with its security policy', async (t) => {
  const app = await serverWithPanel(t, fakeBuild(t));
  for (const url of ['/admin/', '/admin/sign-in', '/admin/explorer', '/admin/explorer/createinstance?processId=42', '/admin/no/such/page']) {
    const response = await app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 200, url);
    assert.match(String(response.headers['content-type']), /^text\/html/, url);
    assert.equal(response.body, INDEX_HTML, url);
    assert.equal(response.headers['content-security-policy'], ADMIN_PANEL_CONTENT_SECURITY_POLICY, url);
    assert.equal(response.headers['cache-control'], 'no-cache', url);
  }
});

test('given a built panel, when an asset is asked for, then the file is sent and cached for good; a missing one is 404', async (t) => {
  const app = await serverWithPanel(t, fakeBuild(t));
  const asset = await app.inject({ method: 'GET', url: '/admin/assets/index-abc123.js' });
  assert.equal(asset.statusCode, 200);
  assert.equal(asset.body, 'console.log("panel");');
  assert.match(String(asset.headers['content-type']), /javascript/);
  assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');

  const icon = await app.inject({ method: 'GET', url: '/admin/favicon.svg' });
  assert.equal(icon.statusCode, 200);
  assert.match(String(icon.headers['content-type']), /image\/svg\+xml/);

  for (const url of ['/admin/assets/gone-000.js', '/admin/robots.txt', '/admin/.vite/manifest.json', '/admin/assets/../index.html']) {
    const missing = await app.inject({ method: 'GET', url });
    assert.equal(missing.statusCode, 404, url);
    assert.notEqual(missing.body, INDEX_HTML, url);
  }
});

test('given a built panel, then the server routes under /admin keep their own answers', async (t) => {
  const app = await serverWithPanel(t, fakeBuild(t));
  const unknownApi = await app.inject({ method: 'GET', url: '/admin/api/no-such-route' });
  assert.equal(unknownApi.statusCode, 401, 'the admin guard answers before the 404');
  assert.equal(unknownApi.json().error, 'WM_UNAUTHORIZED');

  const session = await app.inject({ method: 'GET', url: '/admin/session' });
  assert.equal(session.statusCode, 401);
  assert.equal(session.json().error, 'WM_UNAUTHORIZED');

  const loginPage = await app.inject({ method: 'GET', url: '/admin/login' });
  assert.equal(loginPage.statusCode, 404);
  assert.equal(loginPage.json().code, 'WM_NOT_FOUND');

  const postToPage = await app.inject({ method: 'POST', url: '/admin/explorer', payload: {} });
  assert.equal(postToPage.statusCode, 404);
  assert.equal(postToPage.json().code, 'WM_NOT_FOUND');
});

test('given no build, when a page is opened, then a 503 page says to run npm run build', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'waymark-panel-missing-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const app = await serverWithPanel(t, join(directory, 'dist'));
  for (const url of ['/admin/', '/admin/explorer']) {
    const response = await app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 503, url);
    assert.match(response.body, /npm run build/, url);
    assert.equal(response.headers['content-security-policy'], ADMIN_PANEL_CONTENT_SECURITY_POLICY, url);
  }
  assert.equal((await app.inject({ method: 'GET', url: '/admin/assets/index-abc123.js' })).statusCode, 404);
});
