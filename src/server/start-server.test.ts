import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { isWaymarkError } from '../errors/index.js';
import { createLogger } from '../logging/index.js';
import { SIGNING_KEYS_SETTING } from '../access/signing-keys.js';
import { createSqliteStore } from '../store/index.js';
import type { WaymarkPlugin, WaymarkPluginContext } from '../http/index.js';
import { startServer } from './start-server.js';

function tempDataDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-start-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('startServer opens SQLite in the data folder, listens, answers /readiness and the Workflow API over real HTTP', async (t) => {
  const dataDir = tempDataDir(t);
  const lines: { msg?: string }[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as { msg?: string }) } });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', WAYMARK_DATA_DIR: dataDir }, {});
  const server = await startServer(config, { logger, handleSignals: false });
  t.after(() => server.close());

  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(existsSync(join(dataDir, 'waymark.db')), 'the SQLite file is created in the data folder');
  assert.ok(lines.some((line) => line.msg === `Waymark is listening on ${server.url}`), 'the URL is logged');

  const response = await fetch(`${server.url}/readiness`);
  assert.equal(response.status, 200);
  const responseBody = (await response.json()) as Record<string, unknown>;
  assert.match(String(responseBody.nodeId), /^[0-9a-f-]{36}$/, 'the node names itself');
  assert.deepEqual({ ...responseBody, nodeId: 'id' }, { status: 'ready', store: 'ok', runtime: 'running', nodeId: 'id' });

  const schemes = await fetch(`${server.url}/workflowapi/getschemelist`);
  assert.equal(schemes.status, 200);
  assert.deepEqual(await schemes.json(), { success: true, data: [], error: null, message: null }, 'the Workflow API is mounted by default');

  await server.close();
  await server.close();
  assert.ok(lines.some((line) => line.msg === 'Waymark stopped'));
  await assert.rejects(fetch(`${server.url}/liveness`));
});

test('starting a server tunes V8 heap growth for the process and says so at debug level', async (t) => {
  const dataDir = tempDataDir(t);
  const lines: { msg?: string; heap?: unknown }[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as { msg?: string; heap?: unknown }) } });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', WAYMARK_DATA_DIR: dataDir }, {});
  const server = await startServer(config, { logger, handleSignals: false });
  t.after(() => server.close());
  const tuned = lines.find((line) => line.msg === 'V8 heap growth set for serving');
  assert.deepEqual(tuned?.heap, { applied: '--heap-growing-percent=50' });
});

test('on an empty data folder the JWKS serves the new RS256 key as soon as the server listens, and a restart keeps it', async (t) => {
  // The key is generated beside building the app and may still be in progress when the server
  // listens: the JWKS waits for it rather than publishing an empty set.
  const dataDir = tempDataDir(t);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', WAYMARK_DATA_DIR: dataDir }, {});
  const publishedKeys = async (): Promise<{ kid: string; kty: string; alg: string; use: string; n: string }[]> => {
    const server = await startServer(config, { logger: createLogger({ level: 'silent' }), handleSignals: false });
    try {
      const response = await fetch(`${server.url}/.well-known/openid-configuration/jwks`);
      assert.equal(response.status, 200);
      return ((await response.json()) as { keys: { kid: string; kty: string; alg: string; use: string; n: string }[] }).keys;
    } finally {
      await server.close();
    }
  };

  const first = await publishedKeys();
  assert.equal(first.length, 1, 'the first start publishes one key');
  const [key] = first;
  assert.ok(key);
  assert.deepEqual({ kty: key.kty, alg: key.alg, use: key.use }, { kty: 'RSA', alg: 'RS256', use: 'sig' });
  assert.ok(Buffer.from(key.n, 'base64url').length * 8 >= 2048, 'a modulus of at least 2048 bits');
  assert.deepEqual((await publishedKeys()).map((restarted) => restarted.kid), [key.kid], 'a restart signs with the same key');
});

test('a server closed while its first signing key is still being generated stores the key before closing the store', async (t) => {
  const dataDir = tempDataDir(t);
  const lines: { level?: number; msg?: string }[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as { level?: number; msg?: string }) } });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', WAYMARK_DATA_DIR: dataDir }, {});
  // No plugins: the app is built in moments, so the key is surely still being generated at close.
  const server = await startServer(config, { logger, handleSignals: false, plugins: [] });
  await server.close();
  assert.deepEqual(lines.filter((line) => (line.level ?? 0) >= 50), [], 'nothing failed');
  const store = await createSqliteStore({ dataDir });
  t.after(() => store.close());
  const keys = await store.getSetting(SIGNING_KEYS_SETTING);
  assert.ok(Array.isArray(keys) && keys.length === 1, 'the key was stored');
});

test('a WAYMARK_ADMIN_PASSWORD that cannot be applied stops the start, and the store is closed again', async (t) => {
  // The password is hashed while the app is built, and must be stored before the server listens.
  const dataDir = tempDataDir(t);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', WAYMARK_DATA_DIR: dataDir }, {});
  await assert.rejects(
    startServer(config, { logger: createLogger({ level: 'silent' }), handleSignals: false, env: { WAYMARK_ADMIN_PASSWORD: 'short' } }),
    (error: unknown) => isWaymarkError(error, 'WM_INPUT_INVALID'),
  );
  const server = await startServer(config, { logger: createLogger({ level: 'silent' }), handleSignals: false, env: { WAYMARK_ADMIN_PASSWORD: 'long enough admin password' } });
  t.after(() => server.close());
  const signIn = await fetch(`${server.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'long enough admin password' }) });
  assert.equal(signIn.status, 200, 'the password of this start signs in as soon as the server listens');
});

test('a port already in use is a clear configuration error, and the store is closed again', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const address = blocker.address();
  assert.ok(address !== null && typeof address === 'object');

  const config = loadConfig({ PORT: String(address.port), HOST: '127.0.0.1', WAYMARK_DATA_DIR: tempDataDir(t) }, {});
  await assert.rejects(startServer(config, { logger: createLogger({ level: 'silent' }), handleSignals: false }), (error: unknown) => {
    assert.ok(isWaymarkError(error, 'WM_CONFIG_INVALID'));
    assert.equal(error.message, `Cannot listen on 127.0.0.1:${address.port}: the port is already in use (choose another with PORT or --port)`);
    return true;
  });
});

test('SIGTERM closes the server and then the store', async (t) => {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', WAYMARK_DATA_DIR: tempDataDir(t) }, {});
  const lines: { msg?: string }[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as { msg?: string }) } });
  const before = process.listenerCount('SIGTERM');
  const server = await startServer(config, { logger });
  t.after(() => server.close());
  assert.equal(process.listenerCount('SIGTERM'), before + 1);

  // Emitting the event runs the handler in this process without actually signalling it.
  process.emit('SIGTERM', 'SIGTERM');
  await server.close();
  assert.deepEqual(
    lines.map((line) => line.msg).filter((msg) => msg === 'Waymark is shutting down' || msg === 'Waymark stopped'),
    ['Waymark is shutting down', 'Waymark stopped'],
  );
  assert.equal(process.listenerCount('SIGTERM'), before, 'the signal handlers are removed');
  await assert.rejects(fetch(`${server.url}/liveness`));
});

test('given two plugins, when the server starts, then both get the one services bag, whose workflow service is the one the server runs', async (t) => {
  const dataDir = tempDataDir(t);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', WAYMARK_DATA_DIR: dataDir }, {});
  const seen: WaymarkPluginContext[] = [];
  const recorder = (name: string): WaymarkPlugin => ({
    name,
    async register(_app, context) {
      seen.push(context);
    },
  });
  const server = await startServer(config, { logger: createLogger({ level: 'silent' }), handleSignals: false, plugins: [recorder('first'), recorder('second')] });
  t.after(() => server.close());
  const [first, second] = seen;
  assert.ok(first !== undefined && second !== undefined);
  assert.equal(first.services, second.services);
  assert.equal('store' in first, false, 'no plugin is handed the store');
  // The switch the plugins reach is the one /readiness reports: one workflow service per server.
  first.services.workflow.execution.stop();
  assert.equal((await fetch(`${server.url}/readiness`)).status, 503);
  first.services.workflow.execution.start();
  assert.equal((await fetch(`${server.url}/readiness`)).status, 200);
});
