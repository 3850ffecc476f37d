/**
 * Deeply nested JSON and prototype keys sent to `/api/v1`, its task links and the admin API are
 * refused by the shell's one check (`src/http/caller-json.ts`) and answered in each dialect's own
 * error format (issue #17, item 8).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JANE, json, PUBLIC_URL, startApiV1Harness } from './harness.js';

const deepObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

test('/api/v1: a deeply nested wfData is 480 InvalidInput and starts nothing', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);

  const response = await h.call(token, {
    method: 'POST',
    url: '/api/v1/workflowInstances',
    headers: { 'content-type': 'application/json' },
    payload: `{"wfModelId":"${model.id}","wfData":{"requesterEmail":${deepObject(50_000)}}}`,
  });

  assert.equal(response.statusCode, 480);
  assert.deepEqual(json(response), { errorCode: 'InvalidInput', message: 'The request body is nested more than 64 levels deep' });
  const listed = await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}` });
  assert.deepEqual(json(listed), []);
});

test('/api/v1: prototype keys in the query string or body are 480 InvalidInput', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);

  const inQuery = await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}&constructor=x` });
  assert.deepEqual([inQuery.statusCode, json(inQuery)], [480, { errorCode: 'InvalidInput', message: 'The query string has the key "constructor", which is not accepted in any object' }]);
  const inBody = await h.call(token, { method: 'POST', url: '/api/v1/workflowInstances', payload: { wfModelId: model.id, wfData: { requesterEmail: JANE.email, prototype: 1 } } });
  assert.deepEqual([inBody.statusCode, json<{ errorCode: string }>(inBody).errorCode], [480, 'InvalidInput']);
});

test('a task link with deeply nested parameters is 480 InvalidInput and the task stays open', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const started = json<{ redirectUrl: string }>(await h.call(token, { method: 'POST', url: '/api/v1/workflowInstances', payload: { wfModelId: model.id, wfData: { requesterEmail: JANE.email } } }));
  const url = new URL(started.redirectUrl);
  assert.equal(url.origin, PUBLIC_URL);
  const link = url.pathname + url.search;

  const response = await h.app.inject({
    method: 'POST',
    url: link,
    headers: { 'content-type': 'application/json' },
    payload: `{"command":"submit","parameters":{"comment":${deepObject(10_000)}}}`,
  });

  assert.deepEqual([response.statusCode, json<{ errorCode: string }>(response).errorCode], [480, 'InvalidInput']);
  assert.equal((await h.app.inject({ method: 'GET', url: link })).statusCode, 200);
});

test('the admin API refuses a deeply nested scheme with 400 WM_INPUT_INVALID', async (t) => {
  const h = await startApiV1Harness(t);
  const response = await h.admin({
    method: 'POST',
    url: '/admin/api/schemes',
    headers: { 'content-type': 'application/json' },
    payload: `{"code":"Deep","name":"Deep","parameters":[{"name":"p","type":"Object","purpose":"Persistence","initialValue":${deepObject(5_000)}}]}`,
  });
  assert.equal(response.statusCode, 400);
  assert.deepEqual(json(response), { error: 'WM_INPUT_INVALID', message: 'The request body is nested more than 64 levels deep' });
});

test('a start form may not name a field like an Object.prototype member', async (t) => {
  const h = await startApiV1Harness(t);
  const response = await h.admin({
    method: 'POST',
    url: '/admin/api/models',
    payload: { schemeCode: 'TimeOff', tenantId: h.orgA.groups[0].id, startForm: [{ name: 'constructor', type: 'string', required: false }] },
  });
  assert.equal(response.statusCode, 400);
  assert.deepEqual(json(response), { error: 'WM_INPUT_INVALID', message: "startForm field name 'constructor' is not accepted" });
});

