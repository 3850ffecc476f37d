/**
 * The server starts without loading the packages only some requests need (docs/performance.md,
 * "Start-up"): node-postgres (only with a postgres:// URL), jose (signing and verifying tokens),
 * fast-xml-parser (XML import) and cel-js (compiling expressions). A child process runs the
 * bench's server process (the bundled dist/, as `npm start`) with a module resolve hook and a
 * require hook that write down every package it loads; the requests that need a package must then
 * load it and work.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { moduleRecorder } from '../support/module-recorder.js';
import { projectSchemes } from '../support/scheme-fixtures.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
// A vendor XML scheme with CEL expression conditions: importing it needs fast-xml-parser and cel-js.
const EXPRESSION_XML = projectSchemes.file('ExpressionConditionOtherwise');
const API_TOKEN = 'lazy-modules-test-token-0123456789';
const ADMIN_PASSWORD = 'lazy-modules admin password';

/** The compiled server in a child process, started the way the bench starts it. */
async function startRecordedServer(t: TestContext): Promise<{ baseUrl: string; loaded(): Set<string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-lazy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const recorder = moduleRecorder(dir);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('WAYMARK_') && key !== 'DATABASE_URL' && key !== 'PORT' && key !== 'HOST') env[key] = value;
  }
  const child = spawn(process.execPath, [...recorder.nodeArguments, join(REPO, 'bench', 'servers', 'waymark-server.mjs')], {
    env: { ...env, WAYMARK_DATA_DIR: join(dir, 'data'), WAYMARK_API_TOKEN: API_TOKEN, WAYMARK_API_OIDC: 'true', WAYMARK_ADMIN_PASSWORD: ADMIN_PASSWORD, WAYMARK_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const announced = JSON.parse(line) as { port?: unknown };
        if (typeof announced.port === 'number') resolve(announced.port);
      } catch {
        // Not the announcement.
      }
    });
    void exited.then(() => reject(new Error('the server exited before listening')));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    loaded: () => recorder.packages(),
  };
}

test('a SQLite server starts and answers readiness, the JWKS and the API documents without node-postgres, jose, fast-xml-parser or cel-js', async (t) => {
  const server = await startRecordedServer(t);
  assert.equal((await fetch(`${server.baseUrl}/readiness`)).status, 200);
  const jwks = (await (await fetch(`${server.baseUrl}/.well-known/openid-configuration/jwks`)).json()) as { keys: unknown[] };
  assert.equal(jwks.keys.length, 1, 'the first start created the signing key');
  for (const document of ['/openapi/workflowapi.json', '/openapi/api-v1.json']) {
    const response = await fetch(`${server.baseUrl}${document}`);
    assert.equal(response.status, 200, document);
    assert.match(String(((await response.json()) as { openapi?: unknown }).openapi), /^3\.1/, document);
  }

  const loaded = server.loaded();
  assert.ok(loaded.has('better-sqlite3'), 'the recorder sees the packages the server loads');
  for (const lazy of ['pg', 'jose', 'fast-xml-parser', '@marcbachmann/cel-js']) {
    assert.equal(loaded.has(lazy), false, `${lazy} is not loaded at start`);
  }

  // The requests that need them load them, and work.
  const token = await fetch(`${server.baseUrl}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'workflowapi', client_secret: API_TOKEN }).toString(),
  });
  assert.equal(token.status, 200);
  assert.match(String(((await token.json()) as { access_token?: unknown }).access_token), /^ey/);
  const upload = await fetch(`${server.baseUrl}/admin/api/schemes`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`, 'content-type': 'application/xml' },
    body: readFileSync(EXPRESSION_XML, 'utf8'),
  });
  assert.equal(upload.status, 201, await upload.clone().text());
  const after = server.loaded();
  for (const needed of ['jose', 'fast-xml-parser', '@marcbachmann/cel-js']) assert.ok(after.has(needed), `${needed} is loaded once needed`);
  assert.equal(after.has('pg'), false, 'node-postgres still is not');
});
