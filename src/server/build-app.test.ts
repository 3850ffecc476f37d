import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config/index.js';
import { WaymarkError, SchemeInvalidError } from '../errors/index.js';
import { createLogger } from '../logging/index.js';
import { ManualClock, WorkflowService } from '../services/index.js';
import { createSqliteStore, type Store } from '../store/index.js';
import { mountFastifyPlugin, type WaymarkPlugin, type WaymarkPluginContext } from '../http/index.js';
import { buildApp } from './build-app.js';

const quietLogger = createLogger({ level: 'silent' });

/** A fresh app over an in-memory SQLite store, closed (with its store) after the test. */
async function appFor(
  t: TestContext,
  options: { config?: Config; store?: Store; services?: WorkflowService; plugins?: WaymarkPlugin[]; nodeId?: string } = {},
): Promise<FastifyInstance> {
  const store = options.store ?? (await createSqliteStore({ dataDir: '.', filename: ':memory:' }));
  const app = await buildApp({
    config: options.config ?? loadConfig({}, {}, '/srv/waymark'),
    store,
    logger: quietLogger,
    clock: new ManualClock(),
    ...(options.services ? { workflow: options.services } : {}),
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.nodeId ? { nodeId: options.nodeId } : {}),
  });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return app;
}

/** A store whose ping fails, to see readiness go down. Only `ping` and `close` are used by the shell. */
function unreachableStore(ping: () => Promise<boolean>): Store {
  return { kind: 'sqlite', ping, close: async () => {} } as unknown as Store;
}

/** A plugin that adds a few routes, to exercise the shell's handlers. */
const probePlugin: WaymarkPlugin = {
  name: 'probe',
  prefix: '/probe',
  async register(app, context) {
    app.post('/echo', async (request) => ({ received: request.body }));
    app.get('/boom', async () => {
      throw new Error('database password is hunter2 at /srv/secret.ts:12');
    });
    app.get('/missing-scheme', async () => {
      throw new WaymarkError('WM_SCHEME_NOT_FOUND', "Scheme 'Nope' is not found", { schemeCode: 'Nope' });
    });
    app.get('/bad-scheme', async () => {
      throw new SchemeInvalidError('WM_SCHEME_INVALID', [
        { where: 'activities', message: 'no initial activity' },
        { where: 'transitions[0]', message: "unknown activity 'X'" },
      ], 'Broken');
    });
    app.get('/context', async () => ({ maxAutoSteps: context.config.maxAutoSteps, now: context.clock.now().toISOString() }));
  },
};

test('GET /liveness answers ok while the process is up', async (t) => {
  const app = await appFor(t);
  const response = await app.inject({ method: 'GET', url: '/liveness' });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'ok' });
});

test('GET /readiness is 200 when the store answers and the runtime runs', async (t) => {
  const app = await appFor(t);
  const response = await app.inject({ method: 'GET', url: '/readiness' });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'ready', store: 'ok', runtime: 'running' });
});

test('GET /readiness names this node when it is part of a cluster', async (t) => {
  const app = await appFor(t, { nodeId: 'node-7f3a' });
  const response = await app.inject({ method: 'GET', url: '/readiness' });
  assert.deepEqual(response.json(), { status: 'ready', store: 'ok', runtime: 'running', nodeId: 'node-7f3a' });
});

test('GET /readiness is 503 with the reason when the store ping fails', async (t) => {
  const app = await appFor(t, {
    store: unreachableStore(async () => {
      throw new Error('connection refused');
    }),
  });
  const response = await app.inject({ method: 'GET', url: '/readiness' });
  assert.equal(response.statusCode, 503);
  assert.deepEqual(response.json(), { status: 'not ready', store: 'unavailable', runtime: 'running', reasons: ['the store ping failed'] });
});

test('GET /readiness is 503 when the store answers its ping with false', async (t) => {
  const app = await appFor(t, { store: unreachableStore(async () => false) });
  const response = await app.inject({ method: 'GET', url: '/readiness' });
  assert.equal(response.statusCode, 503);
  assert.equal(response.json().store, 'unavailable');
});

test('GET /readiness is 503 while the runtime is stopped, and 200 again once started', async (t) => {
  const store = await createSqliteStore({ dataDir: '.', filename: ':memory:' });
  const services = new WorkflowService({ store });
  const app = await appFor(t, { store, services });

  services.execution.stop();
  const stopped = await app.inject({ method: 'GET', url: '/readiness' });
  assert.equal(stopped.statusCode, 503);
  assert.deepEqual(stopped.json(), { status: 'not ready', store: 'ok', runtime: 'stopped', reasons: ['the runtime is stopped'] });

  services.execution.start();
  const started = await app.inject({ method: 'GET', url: '/readiness' });
  assert.equal(started.statusCode, 200);
});

test('an unknown route answers 404 JSON naming the method and path', async (t) => {
  const app = await appFor(t);
  const response = await app.inject({ method: 'DELETE', url: '/no/such/thing?x=1' });
  assert.equal(response.statusCode, 404);
  assert.deepEqual(response.json(), { statusCode: 404, code: 'WM_NOT_FOUND', error: 'Not found', message: 'No route for DELETE /no/such/thing' });
});

test('plugins are mounted under their prefix and receive the shared context', async (t) => {
  const app = await appFor(t, { plugins: [probePlugin] });
  const response = await app.inject({ method: 'GET', url: '/probe/context' });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { maxAutoSteps: 1000, now: '2026-01-01T00:00:00.000Z' });
  assert.equal((await app.inject({ method: 'GET', url: '/context' })).statusCode, 404);
});

test('malformed JSON is a 400 with a clear message', async (t) => {
  const app = await appFor(t, { plugins: [probePlugin] });
  const response = await app.inject({ method: 'POST', url: '/probe/echo', headers: { 'content-type': 'application/json' }, payload: '{"a": ' });
  assert.equal(response.statusCode, 400);
  assert.deepEqual(response.json(), { statusCode: 400, code: 'WM_INPUT_INVALID', error: 'Invalid input', message: 'The request body is not valid JSON' });
});

test('an empty JSON body is a 400 that says so', async (t) => {
  const app = await appFor(t, { plugins: [probePlugin] });
  const response = await app.inject({ method: 'POST', url: '/probe/echo', headers: { 'content-type': 'application/json' }, payload: '' });
  assert.equal(response.statusCode, 400);
  assert.equal(response.json().code, 'WM_INPUT_MISSING');
});

test('a body over WAYMARK_BODY_LIMIT is a 413 naming the limit', async (t) => {
  const config = loadConfig({ WAYMARK_BODY_LIMIT: '64' }, {}, '/srv/waymark');
  const app = await appFor(t, { config, plugins: [probePlugin] });
  const small = await app.inject({ method: 'POST', url: '/probe/echo', payload: { a: 1 } });
  assert.equal(small.statusCode, 200);
  assert.deepEqual(small.json(), { received: { a: 1 } });

  const large = await app.inject({ method: 'POST', url: '/probe/echo', payload: { text: 'x'.repeat(100) } });
  assert.equal(large.statusCode, 413);
  assert.deepEqual(large.json(), {
    statusCode: 413,
    code: 'WM_BODY_TOO_LARGE',
    error: 'Request body too large',
    message: 'The request body is larger than the limit of 64 bytes (WAYMARK_BODY_LIMIT)',
  });
});

test('an unsupported content type is a 415', async (t) => {
  const app = await appFor(t, { plugins: [probePlugin] });
  const response = await app.inject({ method: 'POST', url: '/probe/echo', headers: { 'content-type': 'application/x-unknown' }, payload: 'abc' });
  assert.equal(response.statusCode, 415);
  assert.equal(response.json().code, 'WM_UNSUPPORTED_MEDIA_TYPE');
});

test('an unexpected error is a 500 that shows neither its message nor a stack trace', async (t) => {
  const app = await appFor(t, { plugins: [probePlugin] });
  const response = await app.inject({ method: 'GET', url: '/probe/boom' });
  assert.equal(response.statusCode, 500);
  const body = response.json();
  assert.equal(body.code, 'WM_INTERNAL');
  assert.equal(response.body.includes('hunter2'), false);
  assert.equal(response.body.includes('.ts:'), false);
  assert.equal('stack' in body, false);
});

test('a WaymarkError keeps its code, status and message', async (t) => {
  const app = await appFor(t, { plugins: [probePlugin] });
  const response = await app.inject({ method: 'GET', url: '/probe/missing-scheme' });
  assert.equal(response.statusCode, 404);
  assert.deepEqual(response.json(), { statusCode: 404, code: 'WM_SCHEME_NOT_FOUND', error: 'Scheme not found', message: "Scheme 'Nope' is not found" });
});

test('a scheme error lists every problem', async (t) => {
  const app = await appFor(t, { plugins: [probePlugin] });
  const response = await app.inject({ method: 'GET', url: '/probe/bad-scheme' });
  assert.equal(response.statusCode, 400);
  assert.deepEqual(response.json().problems, [
    { where: 'activities', message: 'no initial activity' },
    { where: 'transitions[0]', message: "unknown activity 'X'" },
  ]);
});

test('an unexpected error is logged with its details for the operator', async (t) => {
  const lines: { msg?: string; err?: { message?: string } }[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) } });
  const store = await createSqliteStore({ dataDir: '.', filename: ':memory:' });
  const app = await buildApp({ config: loadConfig({}, {}, '/srv/waymark'), store, logger, plugins: [probePlugin] });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  await app.inject({ method: 'GET', url: '/probe/boom' });
  const logged = lines.find((line) => line.msg === 'request failed');
  assert.ok(logged, 'the failure is logged');
  assert.match(logged.err?.message ?? '', /hunter2/);
});

test('a fastify plugin with its own options is mounted through mountFastifyPlugin', async (t) => {
  const greeting = mountFastifyPlugin(
    'greeting',
    async (app, options: { word: string; limit: number }) => {
      app.get('/hello', async () => ({ word: options.word, limit: options.limit }));
    },
    (context) => ({ word: 'hi', limit: context.config.bodyLimit }),
    '/greeting',
  );
  const app = await appFor(t, { plugins: [greeting] });
  const response = await app.inject({ method: 'GET', url: '/greeting/hello' });
  assert.deepEqual(response.json(), { word: 'hi', limit: 1048576 });
});

test('GET /docs lists the API documents of the mounted dialects, and none of a dialect that is not mounted', async (t) => {
  const { installedPlugins } = await import('./installed-plugins.js');
  const full = await appFor(t, { plugins: [...installedPlugins()] });
  const page = await full.inject({ method: 'GET', url: '/docs' });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  for (const link of ['/docs/workflowapi', '/openapi/workflowapi.json', '/docs/api-v1', '/openapi/api-v1.json']) {
    assert.ok(page.body.includes(`href="${link}"`), link);
    assert.equal((await full.inject({ method: 'GET', url: link })).statusCode, 200, `${link} answers`);
  }
  const bare = await appFor(t);
  assert.equal((await bare.inject({ method: 'GET', url: '/docs' })).statusCode, 404, 'a shell without dialects has no docs index');
});

test('given two plugins, when the app is built, then both receive the same services, built once over the given workflow service', async (t) => {
  const store = await createSqliteStore({ dataDir: '.', filename: ':memory:' });
  const workflow = new WorkflowService({ store });
  const seen: WaymarkPluginContext[] = [];
  const recorder = (name: string): WaymarkPlugin => ({
    name,
    async register(_app, context) {
      seen.push(context);
    },
  });
  const app = await buildApp({ config: loadConfig({}, {}, '/srv/waymark'), store, workflow, logger: quietLogger, plugins: [recorder('first'), recorder('second')] });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const [first, second] = seen;
  assert.ok(first !== undefined && second !== undefined, 'both plugins were registered');
  assert.equal(first.services, second.services, 'one bag of services');
  assert.equal(first.services.workflow, workflow, 'the workflow service given, not a second one');
  assert.equal(first.services.forms, second.services.forms);
  assert.equal(first.services.tasks, second.services.tasks);
  assert.equal(first.storeKind, 'sqlite');
  assert.equal('store' in first, false, 'no plugin is handed the store');
});
