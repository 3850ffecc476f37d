/**
 * Isolation: two organizations with two groups each. A group's token sees only its group; an
 * organization's token sees its groups; neither sees anything of the other organization through
 * any endpoint or filter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TenantRecord, WorkflowModelRecord } from '../../src/store/index.js';
import { JANE, json, startApiV1Harness } from './harness.js';

test('tokens of one organization or group see nothing of the others through any endpoint or filter', async (t) => {
  const h = await startApiV1Harness(t);
  const tenants = [h.orgA.groups[0], h.orgA.groups[1], h.orgB.groups[0], h.orgB.groups[1]];
  const world: { tenant: TenantRecord; model: WorkflowModelRecord; token: string; instanceId: string }[] = [];
  for (const tenant of tenants) {
    const model = await h.publish(tenant.id, { name: `${tenant.name} Time-Off` });
    const token = await h.tokenFor(tenant.id);
    const started = json<{ wfInstanceId: string }>(
      await h.call(token, { method: 'POST', url: '/api/v1/workflowInstances', payload: { wfModelId: model.id, wfData: { requesterEmail: JANE.email } } }),
    );
    world.push({ tenant, model, token, instanceId: started.wfInstanceId });
  }
  const orgAToken = await h.tokenFor(h.orgA.organization.id);
  const orgBToken = await h.tokenFor(h.orgB.organization.id);

  /** What a token can reach, through every endpoint, for every tenant, model and instance of the world. */
  const reach = async (token: string) => {
    const seen = new Set<string>();
    for (const other of world) {
      const models = await h.call(token, { method: 'GET', url: '/api/v1/workflowModels?expand=instanceCount', headers: { 'accusoft-dtm-tenant': other.tenant.id } });
      if (models.statusCode === 200) for (const m of json<{ wfModelId: string }[]>(models)) seen.add(`model:${m.wfModelId}`);
      const bulk = await h.call(token, { method: 'POST', url: '/api/v1/workflowModels/bulk', payload: { tenantIds: [other.tenant.id] } });
      if (bulk.statusCode === 200) for (const m of json<{ wfModelId: string }[]>(bulk)) seen.add(`model:${m.wfModelId}`);
      for (const status of ['running', 'completed', 'cancelled']) {
        const instances = await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${other.model.id}&status=${status}&participant=${JANE.email}` });
        if (instances.statusCode === 200) for (const i of json<{ wfInstanceId: string }[]>(instances)) seen.add(`instance:${i.wfInstanceId}`);
      }
      const variables = await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances/${other.instanceId}/variables?expand=documents,internal` });
      if (variables.statusCode === 200) seen.add(`variables:${other.instanceId}`);
      for (const filter of ['', `?tenantId=${other.tenant.id}`, `?organizationId=${other.tenant.parentId}`, `?wfModelId=${other.model.id}`, '?status=all']) {
        const tasks = await h.call(token, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks${filter}` });
        if (tasks.statusCode === 200) for (const task of json<{ wfInstanceId: string }[]>(tasks)) seen.add(`task:${task.wfInstanceId}`);
      }
      const groups = await h.call(token, { method: 'GET', url: `/api/v1/organizations/${other.tenant.parentId}/groups` });
      if (groups.statusCode === 200) for (const g of json<{ tenantId: string }[]>(groups)) seen.add(`group:${g.tenantId}`);
    }
    return [...seen].sort();
  };
  const expected = (members: typeof world, groupsOf: string[] = []) =>
    [
      ...members.flatMap((m) => [`model:${m.model.id}`, `instance:${m.instanceId}`, `variables:${m.instanceId}`, `task:${m.instanceId}`]),
      ...groupsOf.map((id) => `group:${id}`),
    ].sort();

  for (const member of world) assert.deepEqual(await reach(member.token), expected([member]), `group ${member.tenant.name}`);
  assert.deepEqual(await reach(orgAToken), expected(world.slice(0, 2), h.orgA.groups.map((g) => g.id)));
  assert.deepEqual(await reach(orgBToken), expected(world.slice(2), h.orgB.groups.map((g) => g.id)));

  // Nor can it change them: cancel and start are refused as not found.
  const [a1, , b1] = world;
  const cancel = await h.call(a1!.token, { method: 'DELETE', url: `/api/v1/workflowInstances/${b1!.instanceId}` });
  assert.deepEqual([cancel.statusCode, json<{ errorCode: string }>(cancel).errorCode], [404, 'ResourceNotFound']);
  const start = await h.call(a1!.token, { method: 'POST', url: '/api/v1/workflowInstances', payload: { wfModelId: b1!.model.id, wfData: { requesterEmail: JANE.email } } });
  assert.deepEqual([start.statusCode, json<{ errorCode: string }>(start).errorCode], [404, 'ResourceNotFound']);
});
