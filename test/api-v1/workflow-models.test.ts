/**
 * `GET /api/v1/workflowModels`, `POST /api/v1/workflowModels/bulk` and
 * `GET /api/v1/organizations/{id}/groups`: the seed's fields and every error row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_PERMISSIONS } from '../../src/services/index.js';
import { BOSS, JANE, json, startApiV1Harness } from './harness.js';

const FIELDS = ['tenantId', 'wfModelId', 'name', 'state', 'permissions'];

test('GET /workflowModels lists the header tenant\'s models with the seed\'s fields; counts only when asked', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const credit = await h.publish(group.id, { name: 'Credit Application' });
  const survey = await h.publish(group.id, { name: 'Employee Survey', state: 'unpublished', isPublic: true });
  const token = await h.tokenFor(group.id);
  await h.services.models.startInstance(await h.services.tokens.authenticate(token), { wfModelId: credit.id, wfData: { requesterEmail: JANE.email } });

  const plain = await h.call(token, { method: 'GET', url: '/api/v1/workflowModels', headers: { 'accusoft-dtm-tenant': group.id } });
  assert.equal(plain.statusCode, 200);
  assert.deepEqual(json(plain), [
    {
      tenantId: group.id,
      wfModelId: credit.id,
      name: 'Credit Application',
      state: 'active',
      permissions: [{ allowedTenantId: group.id, requiredPermission: API_PERMISSIONS.startWorkflowInstances }],
    },
    { tenantId: group.id, wfModelId: survey.id, name: 'Employee Survey', state: 'unpublished', permissions: [{ allowedTenantId: 'public', requiredPermission: null }] },
  ]);

  const counted = await h.call(token, {
    method: 'GET',
    url: `/api/v1/workflowModels?taskAssignee=${encodeURIComponent(JANE.email)}&expand=instanceCount`,
    headers: { 'accusoft-dtm-tenant': group.id },
  });
  const [creditView, surveyView] = json<Record<string, unknown>[]>(counted);
  assert.deepEqual(Object.keys(creditView!), [...FIELDS, 'runningInstances', 'totalInstances', 'assignedWorkflowInstancesCount']);
  assert.equal(creditView!.runningInstances, 1);
  assert.equal(creditView!.totalInstances, 1);
  assert.equal(creditView!.assignedWorkflowInstancesCount, 1);
  assert.deepEqual([surveyView!.runningInstances, surveyView!.totalInstances, surveyView!.assignedWorkflowInstancesCount], [0, 0, 0]);

  const bossCount = await h.call(token, { method: 'GET', url: `/api/v1/workflowModels?taskAssignee=${BOSS}`, headers: { 'accusoft-dtm-tenant': group.id } });
  assert.deepEqual(Object.keys(json<Record<string, unknown>[]>(bossCount)[0]!), [...FIELDS, 'assignedWorkflowInstancesCount']);
  assert.equal(json<Record<string, unknown>[]>(bossCount)[0]!.assignedWorkflowInstancesCount, 0);
});

test('GET /workflowModels: missing header 480 MissingInput, invalid token 480 InvalidToken, no permission or foreign tenant 401 Unauthorized', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const token = await h.tokenFor(group.id);

  const missing = await h.call(token, { method: 'GET', url: '/api/v1/workflowModels' });
  assert.equal(missing.statusCode, 480);
  assert.equal(json<{ errorCode: string }>(missing).errorCode, 'MissingInput');
  assert.match(json<{ message: string }>(missing).message, /accusoft-dtm-tenant/);

  const invalid = await h.call('not-a-token', { method: 'GET', url: '/api/v1/workflowModels', headers: { 'accusoft-dtm-tenant': group.id } });
  assert.equal(invalid.statusCode, 480);
  assert.deepEqual(Object.keys(json(invalid) as object), ['errorCode', 'message']);
  assert.equal(json<{ errorCode: string }>(invalid).errorCode, 'InvalidToken');
  const none = await h.app.inject({ method: 'GET', url: '/api/v1/workflowModels', headers: { 'accusoft-dtm-tenant': group.id } });
  assert.equal(json<{ errorCode: string }>(none).errorCode, 'InvalidToken');

  const narrow = await h.tokenFor(group.id, [API_PERMISSIONS.listUserTasks]);
  const refused = await h.call(narrow, { method: 'GET', url: '/api/v1/workflowModels', headers: { 'accusoft-dtm-tenant': group.id } });
  assert.equal(refused.statusCode, 401);
  assert.equal(json<{ errorCode: string }>(refused).errorCode, 'Unauthorized');

  const foreign = await h.call(token, { method: 'GET', url: '/api/v1/workflowModels', headers: { 'accusoft-dtm-tenant': h.orgB.groups[0].id } });
  assert.equal(foreign.statusCode, 401);
  assert.equal(json<{ errorCode: string }>(foreign).errorCode, 'Unauthorized');

  // The raw token (without "Bearer") is accepted too.
  const raw = await h.app.inject({ method: 'GET', url: '/api/v1/workflowModels', headers: { authorization: token, 'accusoft-dtm-tenant': group.id } });
  assert.equal(raw.statusCode, 200);
});

test('POST /workflowModels/bulk lists the models of several tenants; tenantIds missing 480 MissingInput, not an array 480 InvalidInput', async (t) => {
  const h = await startApiV1Harness(t);
  const [sales, support] = h.orgA.groups;
  const credit = await h.publish(sales.id, { name: 'Credit Application' });
  const expense = await h.publish(support.id, { name: 'Expense Report', state: 'unpublished', isPublic: true });
  const token = await h.tokenFor(h.orgA.organization.id);

  const listed = await h.call(token, { method: 'POST', url: '/api/v1/workflowModels/bulk?expand=instanceCount&taskAssignee=ksmith@acme.com', payload: { tenantIds: [sales.id, support.id] } });
  assert.equal(listed.statusCode, 200);
  assert.deepEqual(json(listed), [
    { tenantId: sales.id, wfModelId: credit.id, name: 'Credit Application', state: 'active', permissions: credit.permissions, runningInstances: 0, totalInstances: 0, assignedWorkflowInstancesCount: 0 },
    { tenantId: support.id, wfModelId: expense.id, name: 'Expense Report', state: 'unpublished', permissions: [{ allowedTenantId: 'public', requiredPermission: null }], runningInstances: 0, totalInstances: 0, assignedWorkflowInstancesCount: 0 },
  ]);

  const missing = await h.call(token, { method: 'POST', url: '/api/v1/workflowModels/bulk', payload: {} });
  assert.deepEqual([missing.statusCode, json<{ errorCode: string }>(missing).errorCode], [480, 'MissingInput']);
  const notArray = await h.call(token, { method: 'POST', url: '/api/v1/workflowModels/bulk', payload: { tenantIds: sales.id } });
  assert.deepEqual([notArray.statusCode, json<{ errorCode: string }>(notArray).errorCode], [480, 'InvalidInput']);
  const badJson = await h.call(token, { method: 'POST', url: '/api/v1/workflowModels/bulk', headers: { 'content-type': 'application/json' }, payload: '{"tenantIds": [' });
  assert.deepEqual([badJson.statusCode, json<{ errorCode: string }>(badJson).errorCode], [480, 'InvalidInput']);
  const foreign = await h.call(token, { method: 'POST', url: '/api/v1/workflowModels/bulk', payload: { tenantIds: [sales.id, h.orgB.groups[1].id] } });
  assert.deepEqual([foreign.statusCode, json<{ errorCode: string }>(foreign).errorCode], [401, 'Unauthorized']);
});

test('GET /organizations/{id}/groups lists the groups, with their roles when expand=roles', async (t) => {
  const h = await startApiV1Harness(t);
  const token = await h.tokenFor(h.orgA.organization.id);
  const plain = await h.call(token, { method: 'GET', url: `/api/v1/organizations/${h.orgA.organization.id}/groups` });
  assert.equal(plain.statusCode, 200);
  const groups = json<Record<string, unknown>[]>(plain);
  assert.deepEqual(groups.map((g) => g.tenantId), h.orgA.groups.map((g) => g.id));
  assert.deepEqual(groups[0], {
    tenantId: h.orgA.groups[0].id,
    tenantDisplayName: 'Acme Sales',
    tenantSlug: h.orgA.groups[0].slug,
    ownerUserId: null,
    type: 'group',
    parentTenantId: h.orgA.organization.id,
    status: 'active',
    memberCount: 0,
  });

  const expanded = json<{ roles: Record<string, unknown>[] }[]>(await h.call(token, { method: 'GET', url: `/api/v1/organizations/${h.orgA.organization.id}/groups?expand=roles` }));
  assert.deepEqual(
    expanded[0]!.roles.map((r) => ({ ...r, roleId: typeof r.roleId })),
    [
      { roleId: 'string', tenantId: h.orgA.groups[0].id, roleDisplayName: 'Member', isDefault: true },
      { roleId: 'string', tenantId: h.orgA.groups[0].id, roleDisplayName: 'Administrator', isDefault: false },
    ],
  );

  const groupToken = await h.tokenFor(h.orgA.groups[0].id);
  const refused = await h.call(groupToken, { method: 'GET', url: `/api/v1/organizations/${h.orgA.organization.id}/groups` });
  assert.deepEqual([refused.statusCode, json<{ errorCode: string }>(refused).errorCode], [401, 'Unauthorized']);
});
