/**
 * Caller input that once reached JavaScript's object machinery or overflowed the stack (issue #17,
 * item 8): names looked up in tables, prototype keys and deeply nested JSON are all clear
 * WM_INPUT_INVALID answers in the envelope — never a 500 — and nothing is created.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ids, startHarness, type Harness } from './harness.js';

/** A scheme with one command, written for these tests. */
const ONE_STEP_SCHEME = {
  code: 'OneStep',
  name: 'One step',
  tags: [],
  parameters: [],
  actors: [],
  commands: [{ name: 'go', inputParameters: [] }],
  activities: [
    { name: 'Start', state: 'Start', isInitial: true },
    { name: 'End', state: 'End', isFinal: true },
  ],
  transitions: [{ name: 'Go', from: 'Start', to: 'End', trigger: { type: 'Command', name: 'go' }, conditions: [{ type: 'Always' }] }],
};

async function harnessWithScheme(t: Parameters<typeof startHarness>[0]): Promise<Harness> {
  const h = await startHarness(t);
  await h.workflow.saveScheme({ json: ONE_STEP_SCHEME });
  return h;
}

function assertRefused(response: { statusCode: number; body: string }, message: RegExp): void {
  assert.equal(response.statusCode, 200, response.body);
  const envelope = JSON.parse(response.body) as { success: boolean; error: string; code: string };
  assert.equal(envelope.success, false);
  assert.equal(envelope.code, 'WM_INPUT_INVALID');
  assert.match(envelope.error, message);
}

const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

test('getinstances with status or sort naming an Object.prototype member is refused as invalid input', async (t) => {
  const h = await harnessWithScheme(t);
  for (const status of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const response = await h.app.inject({ method: 'GET', url: `/workflowapi/getinstances?status=${status}` });
    assertRefused(response, /^Parameter 'status' must be 0-5 or one of initialized, running, idled, finalized, terminated, error!$/);
  }
  const sorted = await h.app.inject({ method: 'GET', url: '/workflowapi/getinstances?sort=constructor' });
  assertRefused(sorted, /^Parameter 'sort' must be '<field> \[asc\|desc\]'/);
  // The names themselves still work.
  const running = await h.call('/workflowapi/getinstances?status=running&sort=Id');
  assert.equal(running.body.success, true);
});

test('deeply nested JSON parameters are refused in a JSON body, a form field and the query, and nothing is created', async (t) => {
  const h = await harnessWithScheme(t);
  const deep = nestedArrays(100_000);

  const asJson = await h.app.inject({
    method: 'POST',
    url: '/workflowapi/createinstance',
    headers: { 'content-type': 'application/json' },
    payload: `{"schemeCode":"OneStep","processId":"${ids.process}","parameters":{"x":${deep}}}`,
  });
  assertRefused(asJson, /^The request is nested more than 64 levels deep$/);

  const asForm = await h.app.inject({
    method: 'POST',
    url: '/workflowapi/createinstance',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `schemeCode=OneStep&processId=${ids.process}&parameters=${encodeURIComponent(`{"x":${deep}}`)}`,
  });
  assertRefused(asForm, /^Parameter 'parameters' is nested more than 64 levels deep$/);

  const inQuery = await h.app.inject({
    method: 'POST',
    url: `/workflowapi/createinstance?parameters=${encodeURIComponent(`[{"name":"x","value":${nestedArrays(65)}}]`)}`,
    payload: { schemeCode: 'OneStep', processId: ids.process },
  });
  assertRefused(inQuery, /^Parameter 'parameters' is nested more than 64 levels deep$/);

  assert.equal(await h.workflow.instanceExists(ids.process), false);

  // Nesting within the bound is accepted and stored as given.
  const shallow = await h.call('/workflowapi/createinstance', {
    schemeCode: 'OneStep',
    processId: ids.process,
    parameters: [{ name: 'x', value: JSON.parse(nestedArrays(60)) as unknown, persist: true }],
  });
  assert.equal(shallow.body.success, true);
  assert.deepEqual((await h.workflow.getInstance(ids.process)).parameters.x, JSON.parse(nestedArrays(60)));
});

test('prototype keys as parameter names or inside parameter values are refused, and nothing is created', async (t) => {
  const h = await harnessWithScheme(t);
  for (const name of ['__proto__', 'constructor', 'prototype']) {
    const response = await h.app.inject({
      method: 'POST',
      url: '/workflowapi/createinstance',
      payload: { schemeCode: 'OneStep', processId: ids.process, parameters: [{ name, value: { polluted: true }, persist: true }] },
    });
    assertRefused(response, new RegExp(`^The parameter name ${name} is not accepted$`));
  }
  const inText = await h.app.inject({
    method: 'POST',
    url: '/workflowapi/createinstance',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `schemeCode=OneStep&processId=${ids.process}&parameters=${encodeURIComponent('{"__proto__":{"polluted":true}}')}`,
  });
  assertRefused(inText, /^Parameter 'parameters' has the key "__proto__", which is not accepted in any object$/);
  const inQuery = await h.app.inject({ method: 'GET', url: '/workflowapi/getinstances?constructor=1' });
  assertRefused(inQuery, /^The request has the key "constructor"/);
  assert.equal(await h.workflow.instanceExists(ids.process), false);

  const created = await h.call('/workflowapi/createinstance', { schemeCode: 'OneStep', processId: ids.process });
  assert.equal(created.body.success, true);
  const setParameter = await h.call(`/workflowapi/setparameter/${ids.process}`, { parameter: 'constructor', value: 'x' });
  assert.equal(setParameter.body.success, false);
  assert.equal(setParameter.body.error, 'The parameter name constructor is not accepted');
  assert.deepEqual((await h.workflow.getInstance(ids.process)).parameters, {});
});

test('multipart parts named __proto__ or constructor are refused, and nothing is created', async (t) => {
  const h = await harnessWithScheme(t);
  const boundary = 'waymarkboundary';
  const part = (name: string, value: string, type?: string) =>
    [`--${boundary}`, `Content-Disposition: form-data; name="${name}"`, ...(type ? [`Content-Type: ${type}`] : []), '', value];
  const send = (name: string) =>
    h.app.inject({
      method: 'POST',
      url: '/workflowapi/createinstance',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: [...part('schemeCode', 'OneStep'), ...part('processId', ids.process), ...part(name, '{"polluted":true}', 'application/json'), `--${boundary}--`, ''].join('\r\n'),
    });
  // @fastify/multipart refuses them itself, before the caller-JSON check would.
  assertRefused(await send('__proto__'), /prototype property is not allowed as field name$/);
  assertRefused(await send('constructor'), /prototype property is not allowed as field name$/);
  assert.equal(await h.workflow.instanceExists(ids.process), false);
});
