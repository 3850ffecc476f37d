/**
 * `POST /api/v1/workflowInstances`, `GET /api/v1/workflowInstances`,
 * `GET /api/v1/workflowInstances/{id}/variables` and `DELETE /api/v1/workflowInstances/{id}`:
 * the seed's fields, the start form, the built-in initiator variables, cancel, and every error row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InstanceStatus } from '../../src/engine/types.js';
import { API_PERMISSIONS } from '../../src/services/index.js';
import { BOSS, JANE, PUBLIC_URL, json, startApiV1Harness, type ApiV1Harness } from './harness.js';

interface Started {
  readonly wfInstanceId: string;
  readonly redirectUrl: string | null;
}

async function start(h: ApiV1Harness, token: string, body: unknown) {
  return h.call(token, { method: 'POST', url: '/api/v1/workflowInstances', payload: body as Record<string, unknown> });
}

function errorOf(response: { statusCode: number; json(): unknown }): [number, string] {
  return [response.statusCode, (response.json() as { errorCode: string }).errorCode];
}

test('POST /workflowInstances starts an instance: {wfInstanceId, redirectUrl} to the initial task, initiator variables set', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);

  const response = await start(h, token, { wfModelId: model.id, wfData: { requesterEmail: JANE.email, days: 3 } });
  assert.equal(response.statusCode, 200);
  const body = json<Started>(response);
  assert.deepEqual(Object.keys(body), ['wfInstanceId', 'redirectUrl']);
  assert.match(body.redirectUrl!, new RegExp(`^${PUBLIC_URL}/workflows/${body.wfInstanceId}/tasks/current\\?token=[\\w-]+\\.[\\w-]+$`));

  const instance = await h.workflow.getInstance(body.wfInstanceId);
  assert.equal(instance.tenantId, group.id);
  assert.equal(instance.activityName, 'Form');
  const variables = await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances/${body.wfInstanceId}/variables` });
  assert.equal(variables.statusCode, 200);
  assert.deepEqual(json(variables), {
    wfVariables: {
      requesterEmail: JANE.email,
      days: 3,
      accusoft_solutions_workflowInitiator: JANE.email,
      accusoft_solutions_workflowInitiatorName: 'Jane Smith',
    },
  });
});

test('POST /workflowInstances checks wfData against the start form and refuses with the seed\'s error rows', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);

  assert.deepEqual(errorOf(await start(h, token, { wfData: { requesterEmail: JANE.email } })), [480, 'MissingInput']);
  assert.deepEqual(errorOf(await start(h, token, { wfModelId: model.id })), [480, 'MissingInput']);
  assert.deepEqual(errorOf(await start(h, token, { wfModelId: model.id, wfData: { days: 2 } })), [480, 'MissingInput']);
  assert.deepEqual(errorOf(await start(h, token, { wfModelId: model.id, wfData: { requesterEmail: JANE.email, days: 'two' } })), [480, 'InvalidInput']);
  assert.deepEqual(errorOf(await start(h, token, { wfModelId: model.id, wfData: { requesterEmail: JANE.email, days: 1.5 } })), [480, 'InvalidInput']);
  assert.deepEqual(errorOf(await start(h, token, { wfModelId: model.id, wfData: { requesterEmail: JANE.email, salary: 1 } })), [480, 'InvalidInput']);
  assert.deepEqual(errorOf(await start(h, token, { wfModelId: model.id, wfData: [JANE.email] })), [480, 'InvalidInput']);
  assert.deepEqual(errorOf(await start(h, 'forged-token', { wfModelId: model.id, wfData: { requesterEmail: JANE.email } })), [480, 'InvalidToken']);
  assert.deepEqual(errorOf(await start(h, token, { wfModelId: 'no-such-model', wfData: {} })), [404, 'ResourceNotFound']);

  const unpublished = await h.publish(group.id, { state: 'unpublished' });
  assert.deepEqual(errorOf(await start(h, token, { wfModelId: unpublished.id, wfData: { requesterEmail: JANE.email } })), [480, 'InvalidInput']);
  await h.services.models.updateModel(unpublished.id, { state: 'active' });
  assert.equal((await start(h, token, { wfModelId: unpublished.id, wfData: { requesterEmail: JANE.email } })).statusCode, 200);

  const listOnly = await h.tokenFor(group.id, [API_PERMISSIONS.listWorkflowModels]);
  assert.deepEqual(errorOf(await start(h, listOnly, { wfModelId: model.id, wfData: { requesterEmail: JANE.email } })), [401, 'Unauthorized']);

  // A start permission that names another permission: only tokens granting it may start.
  const guarded = await h.publish(group.id);
  await h.services.models.updateModel(guarded.id, { permissions: [{ allowedTenantId: group.id, requiredPermission: 'can-administer-workflows' }] });
  assert.deepEqual(errorOf(await start(h, await h.tokenFor(group.id, [API_PERMISSIONS.startWorkflowInstances]), { wfModelId: guarded.id, wfData: { requesterEmail: JANE.email } })), [401, 'Unauthorized']);
  const admin = await h.tokenFor(group.id, [API_PERMISSIONS.startWorkflowInstances, 'can-administer-workflows']);
  assert.equal((await start(h, admin, { wfModelId: guarded.id, wfData: { requesterEmail: JANE.email } })).statusCode, 200);

  // A model's own start form replaces the scheme's parameters.
  const custom = await h.publish(group.id);
  await h.services.models.updateModel(custom.id, { startForm: [{ name: 'requesterEmail', type: 'string', required: true }, { name: 'due', type: 'date', required: false }] });
  assert.deepEqual(errorOf(await start(h, token, { wfModelId: custom.id, wfData: { requesterEmail: JANE.email, days: 2 } })), [480, 'InvalidInput']);
  assert.deepEqual(errorOf(await start(h, token, { wfModelId: custom.id, wfData: { requesterEmail: JANE.email, due: 'tomorrow' } })), [480, 'InvalidInput']);
  assert.equal((await start(h, token, { wfModelId: custom.id, wfData: { requesterEmail: JANE.email, due: '2026-06-01T00:00:00.000Z' } })).statusCode, 200);
});

test('GET /workflowInstances lists every seed field; running by default, completed and cancelled on request, by participant', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const first = json<Started>(await start(h, token, { wfModelId: model.id, wfData: { requesterEmail: JANE.email } }));
  h.clock.advance(60_000);
  const second = json<Started>(await start(h, token, { wfModelId: model.id, wfData: { requesterEmail: 'ann@acme.com' } }));
  h.clock.advance(60_000);
  const third = json<Started>(await start(h, token, { wfModelId: model.id, wfData: { requesterEmail: 'ann@acme.com' } }));

  // The first goes to Review (the boss's user task), then is approved; the third is cancelled.
  await h.workflow.executeCommand({ processId: first.wfInstanceId, command: 'submit', actor: { identityId: JANE.email, impersonatedIdentityId: null }, parameters: [] });
  h.clock.advance(60_000);
  const running = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}` }));
  assert.deepEqual(running.map((i) => i.wfInstanceId), [first.wfInstanceId, second.wfInstanceId, third.wfInstanceId]);
  assert.deepEqual(running[0], {
    wfInstanceId: first.wfInstanceId,
    wfInstanceName: 'Time-Off Request for Jane Smith',
    isRunning: true,
    wasCanceled: false,
    fatalErrorEncountered: false,
    endEventName: null,
    startDateTime: '2026-05-04T09:00:00.000Z',
    endDateTime: '',
    wfModelName: 'Time-Off Request',
    wfModelId: model.id,
    currentActivities: [
      { activityType: 'userTask', activityName: 'Review', dateStarted: '2026-05-04T09:02:00.000Z', userTaskAssignee: BOSS, userTaskAssigneeDisplayName: BOSS },
    ],
  });
  assert.deepEqual(running[1]!.currentActivities, [
    { activityType: 'userTask', activityName: 'Form', dateStarted: '2026-05-04T09:01:00.000Z', userTaskAssignee: 'ann@acme.com', userTaskAssigneeDisplayName: 'ann@acme.com' },
  ]);

  await h.workflow.executeCommand({ processId: first.wfInstanceId, command: 'approve', actor: { identityId: BOSS, impersonatedIdentityId: null }, parameters: [] });
  h.clock.advance(60_000);
  const cancel = await h.call(token, { method: 'DELETE', url: `/api/v1/workflowInstances/${third.wfInstanceId}` });
  assert.equal(cancel.statusCode, 200);

  const completed = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}&status=completed` }));
  assert.deepEqual(completed, [
    {
      wfInstanceId: first.wfInstanceId,
      wfInstanceName: 'Time-Off Request for Jane Smith',
      isRunning: false,
      wasCanceled: false,
      fatalErrorEncountered: false,
      endEventName: 'Approved',
      startDateTime: '2026-05-04T09:00:00.000Z',
      endDateTime: '2026-05-04T09:03:00.000Z',
      wfModelName: 'Time-Off Request',
      wfModelId: model.id,
    },
  ]);
  const cancelled = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}&status=cancelled` }));
  assert.deepEqual(cancelled.map((i) => [i.wfInstanceId, i.isRunning, i.wasCanceled, i.endDateTime, 'currentActivities' in i]), [
    [third.wfInstanceId, false, true, '2026-05-04T09:04:00.000Z', false],
  ]);
  const stillRunning = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}&status=running` }));
  assert.deepEqual(stillRunning.map((i) => i.wfInstanceId), [second.wfInstanceId]);

  const byBoss = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}&status=completed&participant=${BOSS}` }));
  assert.deepEqual(byBoss.map((i) => i.wfInstanceId), [first.wfInstanceId]);
  const byJane = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}&participant=${JANE.email}` }));
  assert.deepEqual(byJane, []);
  const byAnn = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?workflowModel=${model.id}&participant=ann@acme.com` }));
  assert.deepEqual(byAnn.map((i) => i.wfInstanceId), [second.wfInstanceId]);
});

test('GET /workflowInstances error rows: 480 MissingInput, 404 ResourceNotFound, 401 Unauthorized, 480 InvalidToken, bad status 480 InvalidInput', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  assert.deepEqual(errorOf(await h.call(token, { method: 'GET', url: '/api/v1/workflowInstances' })), [480, 'MissingInput']);
  assert.deepEqual(errorOf(await h.call(token, { method: 'GET', url: '/api/v1/workflowInstances?wfModelId=missing' })), [404, 'ResourceNotFound']);
  assert.deepEqual(errorOf(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}&status=sleeping` })), [480, 'InvalidInput']);
  assert.deepEqual(errorOf(await h.call('nope', { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}` })), [480, 'InvalidToken']);
  const narrow = await h.tokenFor(group.id, [API_PERMISSIONS.listWorkflowModels]);
  assert.deepEqual(errorOf(await h.call(narrow, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}` })), [401, 'Unauthorized']);
  assert.deepEqual(errorOf(await h.call('nope', { method: 'GET', url: '/api/v1/workflowInstances/x/variables' })), [480, 'InvalidToken']);
  assert.deepEqual(errorOf(await h.call(token, { method: 'GET', url: '/api/v1/workflowInstances/x/variables' })), [404, 'ResourceNotFound']);
  assert.deepEqual(errorOf(await h.call(token, { method: 'DELETE', url: '/api/v1/workflowInstances/x' })), [404, 'ResourceNotFound']);
});

test('variables: expand=documents adds document variables, expand=internal adds the rest; declared parameters without a value are null', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const { wfInstanceId } = json<Started>(await start(h, token, { wfModelId: model.id, wfData: { requesterEmail: JANE.email } }));
  await h.workflow.setParameter(wfInstanceId, 'contract', { documentId: 'doc-1' });
  await h.workflow.setParameter(wfInstanceId, 'LoopState', { index: 2 });

  const ordinary = json<{ wfVariables: Record<string, unknown> }>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances/${wfInstanceId}/variables` }));
  assert.deepEqual(Object.keys(ordinary.wfVariables).sort(), ['accusoft_solutions_workflowInitiator', 'accusoft_solutions_workflowInitiatorName', 'days', 'requesterEmail']);
  const documents = json<{ wfVariables: Record<string, unknown> }>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances/${wfInstanceId}/variables?expand=documents` }));
  assert.deepEqual(documents.wfVariables.contract, { documentId: 'doc-1' });
  assert.equal('LoopState' in documents.wfVariables, false);
  const internal = json<{ wfVariables: Record<string, unknown> }>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances/${wfInstanceId}/variables?expand=internal` }));
  assert.deepEqual(internal.wfVariables.LoopState, { index: 2 });
  assert.equal('contract' in internal.wfVariables, false);
  const both = json<{ wfVariables: Record<string, unknown> }>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances/${wfInstanceId}/variables?expand=documents,internal` }));
  assert.ok('contract' in both.wfVariables && 'LoopState' in both.wfVariables);

  // A model whose start form leaves `requesterEmail` out: the declared parameter shows as null.
  const optional = await h.publish(group.id);
  await h.services.models.updateModel(optional.id, { startForm: [{ name: 'days', type: 'integer', required: false }] });
  const bare = json<Started>(await start(h, token, { wfModelId: optional.id }));
  const bareVariables = json<{ wfVariables: Record<string, unknown> }>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances/${bare.wfInstanceId}/variables` }));
  assert.equal(bareVariables.wfVariables.requesterEmail, null);
});

test('DELETE /workflowInstances/{id} cancels: status Terminated, inbox and timers cleared, the Workflow API sees it; a second cancel is refused', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const { wfInstanceId } = json<Started>(await start(h, token, { wfModelId: model.id, wfData: { requesterEmail: JANE.email } }));
  await h.workflow.executeCommand({ processId: wfInstanceId, command: 'submit', actor: { identityId: JANE.email, impersonatedIdentityId: null }, parameters: [] });
  assert.equal((await h.store.getTimers(wfInstanceId)).length, 1);
  assert.equal((await h.store.getInbox({ processId: wfInstanceId })).length, 1);

  const cancelled = await h.call(token, { method: 'DELETE', url: `/api/v1/workflowInstances/${wfInstanceId}` });
  assert.equal(cancelled.statusCode, 200);
  assert.equal(json<{ wasCanceled: boolean }>(cancelled).wasCanceled, true);
  assert.equal((await h.workflow.getInstance(wfInstanceId)).status, InstanceStatus.Terminated);
  assert.deepEqual(await h.store.getTimers(wfInstanceId), []);
  assert.deepEqual(await h.store.getInbox({ processId: wfInstanceId }), []);
  const tasks = json<unknown[]>(await h.call(token, { method: 'GET', url: `/api/v1/user/${BOSS}/tasks` }));
  assert.deepEqual(tasks, []);

  const info = await h.app.inject({ method: 'GET', url: `/workflowapi/getinstanceinfo/${wfInstanceId}` });
  assert.equal(json<{ data: { InstanceStatus: number } }>(info).data.InstanceStatus, InstanceStatus.Terminated);

  assert.deepEqual(errorOf(await h.call(token, { method: 'DELETE', url: `/api/v1/workflowInstances/${wfInstanceId}` })), [480, 'InvalidInput']);
  const noCancel = await h.tokenFor(group.id, [API_PERMISSIONS.getInstanceProperties]);
  assert.deepEqual(errorOf(await h.call(noCancel, { method: 'DELETE', url: `/api/v1/workflowInstances/${wfInstanceId}` })), [401, 'Unauthorized']);
});
