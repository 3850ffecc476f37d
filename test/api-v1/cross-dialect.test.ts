/**
 * Both dialects drive the same instances through the same service layer: an instance started in
 * `/api/v1` is finished through `/workflowapi/executecommand`, and one started through
 * `/workflowapi/createinstance` is finished through an `/api/v1` task link; both report the same state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InstanceStatus } from '../../src/engine/types.js';
import { BOSS, JANE, json, startApiV1Harness, type ApiV1Harness } from './harness.js';

interface Envelope<T> {
  readonly success: boolean;
  readonly data: T;
  readonly message: string | null;
}

async function workflowApi<T>(h: ApiV1Harness, operation: string, payload: Record<string, unknown>): Promise<Envelope<T>> {
  const response = await h.app.inject({ method: 'POST', url: `/workflowapi/${operation}`, payload });
  assert.equal(response.statusCode, 200, response.body);
  const envelope = json<Envelope<T>>(response);
  assert.equal(envelope.success, true, response.body);
  return envelope;
}

test('an instance started in /api/v1 is driven to the end through /workflowapi/executecommand; both dialects agree', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const { wfInstanceId } = json<{ wfInstanceId: string }>(
    await h.call(token, { method: 'POST', url: '/api/v1/workflowInstances', payload: { wfModelId: model.id, wfData: { requesterEmail: JANE.email } } }),
  );

  const submitted = await workflowApi<{ WasExecuted: boolean }>(h, 'executecommand', { processId: wfInstanceId, command: 'submit', identityId: JANE.email, tenantId: group.id });
  assert.equal(submitted.data.WasExecuted, true);
  const reviewing = json<{ currentActivities: { activityName: string; userTaskAssignee: string }[] }[]>(
    await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}` }),
  );
  assert.deepEqual(reviewing[0]!.currentActivities.map((a) => [a.activityName, a.userTaskAssignee]), [['Review', BOSS]]);

  h.clock.advance(5000);
  await workflowApi(h, 'executecommand', { processId: wfInstanceId, command: 'approve', identityId: BOSS, tenantId: group.id });

  const info = await workflowApi<{ InstanceStatus: number; ActivityName: string; LastTransitionDate: string }>(h, 'getinstanceinfo', { processId: wfInstanceId });
  assert.equal(info.data.InstanceStatus, InstanceStatus.Finalized);
  const completed = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}&status=completed` }));
  assert.deepEqual(
    completed.map((i) => [i.wfInstanceId, i.isRunning, i.endEventName, i.endDateTime]),
    [[wfInstanceId, false, info.data.ActivityName, info.data.LastTransitionDate]],
  );
  const janeDone = json<{ wfInstanceId: string }[]>(await h.call(token, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks?status=completed` }));
  assert.deepEqual(janeDone.map((task) => task.wfInstanceId), [wfInstanceId]);
});

test('an instance started through /workflowapi/createinstance is finished through /api/v1 task links; both dialects agree', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[1];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const processId = '7d1b3c2e-5a4f-4e3d-9c8b-1a2b3c4d5e6f';
  await workflowApi(h, 'createinstance', {
    processId,
    schemeCode: 'TimeOff',
    identityId: JANE.email,
    tenantId: group.id,
    parameters: [{ name: 'requesterEmail', value: JANE.email, persist: true }],
  });

  // Not started in /api/v1, yet it belongs to the model publishing its scheme to its tenant.
  const listed = json<{ wfInstanceId: string; wfModelId: string }[]>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}` }));
  assert.deepEqual(listed.map((i) => [i.wfInstanceId, i.wfModelId]), [[processId, model.id]]);

  const janeTasks = json<{ url: string }[]>(await h.call(token, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks` }));
  assert.equal(janeTasks.length, 1);
  const submit = new URL(janeTasks[0]!.url);
  assert.equal((await h.app.inject({ method: 'POST', url: submit.pathname + submit.search, payload: { command: 'submit' } })).statusCode, 200);

  const inbox = await workflowApi<unknown[]>(h, 'inbox', { identityId: BOSS });
  assert.equal(JSON.stringify(inbox.data).includes(processId), true);
  const bossTasks = json<{ url: string }[]>(await h.call(token, { method: 'GET', url: `/api/v1/user/${BOSS}/tasks` }));
  const approve = new URL(bossTasks[0]!.url);
  assert.equal((await h.app.inject({ method: 'POST', url: approve.pathname + approve.search, payload: { command: 'approve' } })).statusCode, 200);

  const info = await workflowApi<{ InstanceStatus: number; ActivityName: string }>(h, 'getinstanceinfo', { processId });
  assert.deepEqual([info.data.InstanceStatus, info.data.ActivityName], [InstanceStatus.Finalized, 'Approved']);
  const completed = json<{ wfInstanceId: string; endEventName: string }[]>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}&status=completed` }));
  assert.deepEqual(completed.map((i) => [i.wfInstanceId, i.endEventName]), [[processId, 'Approved']]);
  const emptyInbox = await workflowApi<unknown[]>(h, 'inbox', { identityId: BOSS });
  assert.deepEqual(emptyInbox.data, []);
});
