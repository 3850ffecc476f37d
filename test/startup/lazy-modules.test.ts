/**
 * The server starts without loading the packages only some requests need (docs/performance.md,
 * "Start-up"): node-postgres (only with a postgres:// URL), jose (signing and verifying tokens),
 * fast-xml-parser (XML import) and cel-js (compiling expressions). A child process runs the
 * compiled server (dist/, as `npm start`) with a module resolve hook that writes down every package
 * it loads; the same requests that need a package must then load it and work.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
// A vendor XML scheme with CEL expression conditions: importing it needs fast-xml-parser and cel-js.
const EXPRESSION_XML = join(REPO, '..', 'shared', 'fixtures', 'schemes', 'ExpressionConditionOtherwise.xml');
const API_TOKEN = 'lazy-modules-test-token-0123456789';
const ADMIN_PASSWORD = 'lazy-modules admin password';

/** Writes the recorder into `dir`; returns the `--import` module that installs it. */
function packageRecorder(dir: string, logFile: string): string {
  const hook = join(dir, 'record-packages.mjs');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';
let logFile;
export function initialize(data) { logFile = data.logFile; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const found = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(resolved.url);
  if (found) appendFileSync(logFile, found[1] + '\\n');
  return resolved;
}
`,
  );
  // import goes through the resolve hook; require (createRequire, CommonJS packages) through Module.prototype.require.
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';
const logFile = ${JSON.stringify(logFile)};
register(${JSON.stringify(pathToFileURL(hook).href)}, { data: { logFile } });
const originalRequire = Module.prototype.require;
Module.prototype.require = function (id) {
  if (!id.startsWith('.') && !id.startsWith('/') && !id.startsWith('node:')) {
    appendFileSync(logFile, id.split('/').slice(0, id.startsWith('@') ? 2 : 1).join('/') + '\\n');
  }
  return originalRequire.apply(this, arguments);
};
`,
  );
  return register;
}

/** The compiled server in a child process, started the way the bench starts it. */
async function startRecordedServer(t: TestContext): Promise<{ baseUrl: string; loaded(): Set<string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-lazy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const logFile = join(dir, 'packages.log');
  writeFileSync(logFile, '');
  const register = packageRecorder(dir, logFile);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('WAYMARK_') && key !== 'DATABASE_URL' && key !== 'PORT' && key !== 'HOST') env[key] = value;
  }
  const child = spawn(process.execPath, ['--import', pathToFileURL(register).href, join(REPO, 'bench', 'servers', 'waymark-server.mjs')], {
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
    loaded: () => new Set(readFileSync(logFile, 'utf8').split('\n').filter(Boolean)),
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
  assert.ok(loaded.has('fastify') && loaded.has('kysely'), 'the recorder sees the packages the server loads');
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
