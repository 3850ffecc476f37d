/**
 * The Dashboard's back end: counts from the counters and bounded counts, the error window, the
 * latest instances, this node's request rate and the server facts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processXml } from '../support/scheme-xml.js';
import { draftScheme, startAdminHarness } from './harness.js';

const actor = { identityId: null, impersonatedIdentityId: null };
const processId = (n: number) => `55555555-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Waiting —timer `Due` (1 hour)→ Done. */
const TIMER_XML = processXml({
  code: 'Reminder',
  timers: [{ name: 'Due', type: 'Interval', value: '1hour' }],
  activities: [{ name: 'Waiting', initial: true }, { name: 'Done', final: true }],
  transitions: [{ from: 'Waiting', to: 'Done', trigger: { timer: 'Due' } }],
});

test('given schemes, instances, timers and error logs, then the dashboard counts each, errors only from the last 24 hours', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });
  await h.admin({ method: 'POST', url: '/admin/api/schemes', headers: { 'content-type': 'application/xml' }, payload: TIMER_XML });
  for (let n = 1; n <= 3; n++) await h.startInstance(processId(n), 'Draft');
  await h.workflow.executeCommand({ processId: processId(1), command: 'submit', actor, parameters: [] });
  await h.startInstance(processId(4), 'Reminder');
  await h.startInstance(processId(5), 'Reminder');
  await h.logs.write('error', 'an old failure');
  h.clock.advance(25 * 60 * 60_000);
  await h.logs.write('error', 'a recent failure');
  await h.logs.write('info', 'not an error');

  const response = await h.admin({ method: 'GET', url: '/admin/api/dashboard' });
  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.equal(body.at, h.clock.now().toISOString());
  assert.equal(body.schemes, 2);
  assert.deepEqual(body.instances, { Running: 0, Idled: 4, Finalized: 1, Terminated: 0, Error: 0, total: 5 });
  assert.deepEqual(body.pendingTimers, { count: 2, atLeast: false });
  assert.deepEqual(body.openUserTasks, { count: 0, atLeast: false });
  assert.deepEqual(body.errorsLast24h, { count: 1, atLeast: false });
  assert.equal(body.countBound, 10_000);
  assert.equal(body.node.clustered, false);
  assert.equal(typeof body.node.id, 'string');
  assert.deepEqual(body.nodes, [], 'a single node lists no cluster');
});

test('given more rows than the bound, then the store stops counting there and says "at least"', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', headers: { 'content-type': 'application/xml' }, payload: TIMER_XML });
  for (let n = 1; n <= 4; n++) await h.startInstance(processId(n), 'Reminder');
  for (let n = 0; n < 3; n++) await h.logs.write('error', `failure ${n}`);
  const since = new Date(h.clock.now().getTime() - 60_000).toISOString();
  const counts = await h.store.dashboardCounts({ errorsSince: since, bound: 2 });
  assert.deepEqual(counts.pendingTimers, { count: 3, atLeast: true });
  assert.deepEqual(counts.errorLogEntries, { count: 3, atLeast: true });
  const exact = await h.store.dashboardCounts({ errorsSince: since, bound: 4 });
  assert.deepEqual(exact.pendingTimers, { count: 4, atLeast: false });
  assert.deepEqual(exact.errorLogEntries, { count: 3, atLeast: false });
});

test('given 25 instances, then the latest 20 come newest first, and the limit is bounded', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });
  for (let n = 1; n <= 25; n++) {
    await h.startInstance(processId(n), 'Draft');
    h.clock.advance(1000);
  }
  const latest = await h.admin({ method: 'GET', url: '/admin/api/dashboard/latest-instances' });
  assert.equal(latest.statusCode, 200);
  const body = latest.json();
  assert.equal(body.total, 25);
  assert.equal(body.items.length, 20);
  assert.deepEqual(
    body.items.slice(0, 2).map((item: { id: string }) => item.id),
    [processId(25), processId(24)],
  );
  assert.deepEqual(Object.keys(body.items[0]).sort(), ['activityName', 'createdAt', 'id', 'lastTransitionAt', 'schemeCode', 'schemeVersion', 'stateName', 'status', 'tenantId']);
  assert.equal(body.items[0].status, 'Idled');
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/dashboard/latest-instances?limit=3' })).json().items.length, 3);
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/dashboard/latest-instances?limit=101' })).statusCode, 400);
});

test('given requests over two seconds, then the request rate shows them per second for this node', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'GET', url: '/admin/api/server' });
  await h.admin({ method: 'GET', url: '/admin/api/server' });
  h.clock.advance(1000);
  await h.admin({ method: 'GET', url: '/admin/api/server' });
  const response = await h.admin({ method: 'GET', url: '/admin/api/dashboard/requests?minutes=1' });
  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.equal(body.perSecond.length, 60);
  // The request being answered is not finished yet, so it is not counted.
  assert.deepEqual(body.perSecond.slice(-2), [2, 1]);
  assert.equal(body.total, 3);
  assert.equal(typeof body.nodeId, 'string');
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/dashboard/requests' })).json().perSecond.length, 15 * 60);
});

test('the server facts name the version from package.json, the node and the store', async (t) => {
  const h = await startAdminHarness(t);
  const response = await h.admin({ method: 'GET', url: '/admin/api/server' });
  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.equal(body.name, 'Waymark');
  assert.match(body.version, /^\d+\.\d+\.\d+/);
  assert.equal(body.store, h.store.kind);
  assert.equal(body.clustered, false);
  assert.equal(body.nodeId, (await h.admin({ method: 'GET', url: '/admin/api/dashboard' })).json().node.id);
});

test('the admin OpenAPI document describes the routes of the panel, the sign-in routes and /readiness; /docs lists it', async (t) => {
  const h = await startAdminHarness(t);
  const response = await h.app.inject({ method: 'GET', url: '/openapi/admin-api.json' });
  assert.equal(response.statusCode, 200, 'public, like the other API documents');
  const document = response.json();
  assert.equal(document.openapi, '3.1.0');
  for (const [path, method] of [
    ['/admin/api/access', 'get'],
    ['/admin/api/access/api-token', 'put'],
    ['/admin/api/access/api-token/generate', 'post'],
    ['/admin/api/access/api-token', 'delete'],
    ['/admin/api/access/oidc', 'put'],
    ['/admin/api/access/admin-password', 'put'],
    ['/admin/api/dashboard', 'get'],
    ['/admin/api/dashboard/requests', 'get'],
    ['/admin/api/dashboard/latest-instances', 'get'],
    ['/admin/api/server', 'get'],
    ['/admin/api/schemes', 'get'],
    ['/admin/login', 'post'],
    ['/admin/session', 'get'],
    ['/admin/logout', 'post'],
    ['/readiness', 'get'],
  ] as const) {
    const operation = document.paths[path]?.[method];
    assert.ok(operation, `${method.toUpperCase()} ${path} is documented`);
    assert.ok(Array.isArray(operation.tags) && operation.tags.length > 0, `${method.toUpperCase()} ${path} has a tag`);
  }
  assert.equal(document.paths['/openapi/admin-api.json'], undefined);
  const access = document.paths['/admin/api/access'].get.responses['200'].content['application/json'].schema;
  assert.deepEqual(Object.keys(access.properties).sort(), ['apiToken', 'clientId', 'discoveryUrl', 'oidcEnabled', 'publicUrl', 'tokenEndpoint']);
  assert.deepEqual(document.paths['/admin/api/access/oidc'].put.requestBody.content['application/json'].schema.required, ['enabled']);
  assert.equal(document.paths['/admin/login'].post.tags[0], 'Sign-in');
  const docs = await h.app.inject({ method: 'GET', url: '/docs' });
  assert.match(docs.body, /href="\/openapi\/admin-api.json"/);
});
