/**
 * Management under `/admin/api` (tenants, models, tokens) behind the admin guard, the default
 * start form, the OpenAPI 3.1 document at `/openapi/api-v1.json` and the docs page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_SESSION_COOKIE, CSRF_HEADER } from '../../src/access/index.js';
import { API_PERMISSIONS, hashApiToken } from '../../src/services/index.js';
import { ADMIN_PASSWORD, JANE, json, startApiV1Harness } from './harness.js';

test('admins create tenants, publish a scheme as a model, change it, and create and revoke tokens over HTTP', async (t) => {
  const h = await startApiV1Harness(t);
  const organization = await h.admin({ method: 'POST', url: '/admin/api/tenants', payload: { name: 'Initech' } });
  assert.equal(organization.statusCode, 201);
  const organizationId = json<{ tenantId: string; type: string }>(organization).tenantId;
  assert.equal(json<{ type: string }>(organization).type, 'organization');
  const group = json<{ tenantId: string; type: string; parentId: string }>(
    await h.admin({ method: 'POST', url: '/admin/api/tenants', payload: { name: 'Initech HR', parentId: organizationId } }),
  );
  assert.deepEqual([group.type, group.parentId], ['group', organizationId]);
  const groupOfGroup = await h.admin({ method: 'POST', url: '/admin/api/tenants', payload: { name: 'Nested', parentId: group.tenantId } });
  assert.deepEqual([groupOfGroup.statusCode, json<{ error: string }>(groupOfGroup).error], [400, 'WM_INPUT_INVALID']);

  const published = await h.admin({ method: 'POST', url: '/admin/api/models', payload: { schemeCode: 'TimeOff', tenantId: group.tenantId } });
  assert.equal(published.statusCode, 201);
  const model = json<Record<string, unknown>>(published);
  assert.equal(model.name, 'Time-Off Request');
  assert.equal(model.state, 'active');
  // The default start form: the scheme's Persistence parameters, typed, required without an initial value.
  assert.deepEqual(model.startForm, [
    { name: 'requesterEmail', type: 'string', required: true },
    { name: 'days', type: 'integer', required: false },
  ]);
  assert.equal(model.startFormIsDefault, true);

  const changed = await h.admin({
    method: 'PATCH',
    url: `/admin/api/models/${String(model.wfModelId)}`,
    payload: { state: 'unpublished', permissions: [{ allowedTenantId: 'public', requiredPermission: null }], startForm: [{ name: 'reason', type: 'string', required: true }] },
  });
  assert.equal(changed.statusCode, 200);
  assert.deepEqual(json<Record<string, unknown>>(changed).startForm, [{ name: 'reason', type: 'string', required: true }]);
  assert.equal(json<Record<string, unknown>>(changed).state, 'unpublished');
  const badState = await h.admin({ method: 'PATCH', url: `/admin/api/models/${String(model.wfModelId)}`, payload: { state: 'paused' } });
  assert.equal(badState.statusCode, 400);
  const badForm = await h.admin({ method: 'PATCH', url: `/admin/api/models/${String(model.wfModelId)}`, payload: { startForm: [{ name: 'x', type: 'money' }] } });
  assert.equal(badForm.statusCode, 400);
  const unknownScheme = await h.admin({ method: 'POST', url: '/admin/api/models', payload: { schemeCode: 'Nope', tenantId: group.tenantId } });
  assert.equal(unknownScheme.statusCode, 404);
  const listed = json<{ wfModelId: string }[]>(await h.admin({ method: 'GET', url: `/admin/api/models?tenantId=${group.tenantId}` }));
  assert.deepEqual(listed.map((m) => m.wfModelId), [model.wfModelId]);

  const created = await h.admin({ method: 'POST', url: '/admin/api/tokens', payload: { tenantId: group.tenantId, permissions: [API_PERMISSIONS.listWorkflowModels] } });
  assert.equal(created.statusCode, 201);
  const { token, tokenId, permissions } = json<{ token: string; tokenId: string; permissions: string[] }>(created);
  assert.deepEqual(permissions, [API_PERMISSIONS.listWorkflowModels]);
  // Stored hashed: the token text appears nowhere in the listing, only its hash in the store.
  const tokens = await h.admin({ method: 'GET', url: '/admin/api/tokens' });
  assert.ok(!tokens.body.includes(token));
  assert.equal((await h.store.tenantRecords.findApiTokenByHash(hashApiToken(token)))?.id, tokenId);
  const allowed = await h.call(token, { method: 'GET', url: '/api/v1/workflowModels', headers: { 'accusoft-dtm-tenant': group.tenantId } });
  assert.equal(allowed.statusCode, 200);
  const notAllowed = await h.call(token, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks` });
  assert.equal(notAllowed.statusCode, 401);

  assert.equal((await h.admin({ method: 'DELETE', url: `/admin/api/tokens/${tokenId}` })).statusCode, 204);
  const revoked = await h.call(token, { method: 'GET', url: '/api/v1/workflowModels', headers: { 'accusoft-dtm-tenant': group.tenantId } });
  assert.deepEqual([revoked.statusCode, json<{ errorCode: string }>(revoked).errorCode], [480, 'InvalidToken']);
});

test('the admin sign-in session of /admin/login also opens the /api/v1 management routes', async (t) => {
  // One access control per server: the management routes share the admin API's sessions.
  const h = await startApiV1Harness(t);
  const login = await h.app.inject({ method: 'POST', url: '/admin/login', payload: { password: ADMIN_PASSWORD } });
  assert.equal(login.statusCode, 200);
  const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  assert.ok(cookie.startsWith(`${ADMIN_SESSION_COOKIE}=`), 'the sign-in sets the session cookie');
  const csrf = String(login.json().csrfToken);

  const listed = await h.app.inject({ method: 'GET', url: '/admin/api/tenants', headers: { cookie } });
  assert.equal(listed.statusCode, 200);
  assert.equal(json<unknown[]>(listed).length, 6);
  const created = await h.app.inject({ method: 'POST', url: '/admin/api/tenants', headers: { cookie, [CSRF_HEADER]: csrf }, payload: { name: 'Initech' } });
  assert.equal(created.statusCode, 201);
  assert.equal(json<{ name: string }>(created).name, 'Initech');
});

test('every management route refuses callers without admin credentials', async (t) => {
  const h = await startApiV1Harness(t);
  for (const [method, url] of [
    ['GET', '/admin/api/tenants'],
    ['POST', '/admin/api/tenants'],
    ['GET', '/admin/api/models'],
    ['POST', '/admin/api/models'],
    ['GET', '/admin/api/models/x'],
    ['PATCH', '/admin/api/models/x'],
    ['GET', '/admin/api/tokens'],
    ['POST', '/admin/api/tokens'],
    ['DELETE', '/admin/api/tokens/x'],
  ] as const) {
    const anonymous = await h.app.inject({ method, url, payload: method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' } });
    assert.equal(anonymous.statusCode, 401, `${method} ${url}`);
    const wrong = await h.app.inject({ method, url, headers: { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` } });
    assert.equal(wrong.statusCode, 401, `${method} ${url}`);
  }
  assert.deepEqual(await h.services.tenants.listTenants().then((all) => all.length), 6);
});

test('the OpenAPI 3.1 document lists every /api/v1 route and the docs page links it', async (t) => {
  const h = await startApiV1Harness(t);
  const document = await h.app.inject({ method: 'GET', url: '/openapi/api-v1.json' });
  assert.equal(document.statusCode, 200);
  const openapi = json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(document);
  assert.equal(openapi.openapi, '3.1.0');
  const documented = Object.entries(openapi.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`)).sort();
  assert.deepEqual(documented, [
    'DELETE /api/v1/workflowInstances/{wfInstanceId}',
    'GET /api/v1/organizations/{organizationId}/groups',
    'GET /api/v1/user/{emailAddress}/tasks',
    'GET /api/v1/workflowInstances',
    'GET /api/v1/workflowInstances/{wfInstanceId}/variables',
    'GET /api/v1/workflowModels',
    'GET /workflows/{wfInstanceId}/tasks/current',
    'POST /api/v1/workflowInstances',
    'POST /api/v1/workflowModels/bulk',
    'POST /workflows/{wfInstanceId}/tasks/current',
  ]);
  // Every documented route answers something other than "no route" (404 with WM_NOT_FOUND / ResourceNotFound for the URL).
  for (const entry of documented) {
    const [method, path] = entry.split(' ') as [string, string];
    const url = path.replace(/\{[^}]+\}/g, 'x');
    const response = await h.app.inject({ method: method as 'GET', url });
    assert.ok(!/is not an \/api\/v1 URL|No route/.test(response.body), `${entry} answered ${response.body}`);
  }
  // The Workflow API keeps its own document.
  assert.equal((await h.app.inject({ method: 'GET', url: '/openapi/workflowapi.json' })).statusCode, 200);

  const docs = await h.app.inject({ method: 'GET', url: '/docs/api-v1' });
  assert.equal(docs.statusCode, 200);
  assert.match(docs.body, /href="\/openapi\/api-v1\.json"/);
  assert.match(docs.body, /\/api\/v1\/user\/\{emailAddress\}\/tasks/);
});
