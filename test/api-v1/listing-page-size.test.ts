/**
 * Listings answer at most 1000 items at once in both dialects (issue #17, item 11): a larger
 * page is refused clearly, and a request for everything (`getinstances take=0`, `getusers`
 * without `pageSize`, `/api/v1` without `pageSize`) answers everything only while no more than
 * 1000 match — beyond that a clear error asks for pages, where it once returned every row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PAGE_SIZE } from '../../src/services/index.js';
import { JANE, json, startApiV1Harness, type ApiV1Harness } from './harness.js';

interface Envelope<T> {
  readonly success: boolean;
  readonly data: T;
  readonly error: string | null;
}

async function workflowApi<T>(h: ApiV1Harness, operation: string, payload: Record<string, unknown>): Promise<Envelope<T>> {
  const response = await h.app.inject({ method: 'POST', url: `/workflowapi/${operation}`, payload });
  assert.equal(response.statusCode, 200, response.body);
  return json<Envelope<T>>(response);
}

/** Given one more instance than a page holds, each with a Form task for Jane, in the model's tenant. */
async function startOverfull(h: ApiV1Harness): Promise<{ token: string; wfModelId: string }> {
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  for (let index = 0; index <= MAX_PAGE_SIZE; index += 1) {
    await h.workflow.createInstance({
      processId: crypto.randomUUID(),
      schemeCode: 'TimeOff',
      actor: { identityId: JANE.email, impersonatedIdentityId: null },
      parameters: [{ name: 'requesterEmail', value: JANE.email, persist: true }],
      tenantId: group.id,
    });
  }
  return { token: await h.tokenFor(group.id), wfModelId: model.id };
}

test('1001 instances: every listing refuses "all" and a page over 1000, and pages through them', async (t) => {
  const h = await startApiV1Harness(t);
  const { token, wfModelId } = await startOverfull(h);

  // Workflow API getinstances: the default page of 10 is kept; 1000 is the largest page.
  assert.equal((await workflowApi<{ Instances: unknown[] }>(h, 'getinstances', {})).data.Instances.length, 10);
  const all = await workflowApi(h, 'getinstances', { take: 0 });
  assert.deepEqual([all.success, all.error], [false, 'More than 1000 instances match: ask for them page by page with take and skip (at most 1000 a page)!']);
  const tooLarge = await workflowApi(h, 'getinstances', { take: 1001 });
  assert.deepEqual([tooLarge.success, tooLarge.error], [false, "Parameter 'take' must be at most 1000!"]);
  const last = await workflowApi<{ Instances: unknown[]; TotalCount: number }>(h, 'getinstances', { take: 1000, skip: 1000 });
  assert.deepEqual([last.data.Instances.length, last.data.TotalCount], [1, 1001]);

  // /api/v1 instances and tasks: pageSize and pageIndex.
  for (const [url, what] of [
    [`/api/v1/workflowInstances?wfModelId=${wfModelId}`, 'workflow instances'],
    [`/api/v1/user/${JANE.email}/tasks`, 'tasks'],
  ] as const) {
    const everything = await h.call(token, { method: 'GET', url });
    assert.equal(everything.statusCode, 480, url);
    assert.deepEqual(json(everything), {
      errorCode: 'InvalidInput',
      message: `More than 1000 ${what} match: ask for them page by page with pageSize (at most 1000) and pageIndex`,
    });
    const firstPage = await h.call(token, { method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}pageSize=1000` });
    assert.equal(json<unknown[]>(firstPage).length, 1000, url);
    const secondPage = await h.call(token, { method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}pageSize=1000&pageIndex=1` });
    assert.equal(json<unknown[]>(secondPage).length, 1, url);
    for (const bad of ['pageSize=1001', 'pageSize=0', 'pageSize=ten', 'pageIndex=-1']) {
      const refused = await h.call(token, { method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}${bad}` });
      assert.deepEqual([refused.statusCode, json<{ errorCode: string }>(refused).errorCode], [480, 'InvalidInput'], `${url} ${bad}`);
    }
  }
});

test('a page of instances in /api/v1 holds the next instances, oldest first, without overlap', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const started: string[] = [];
  for (let index = 0; index < 5; index += 1) {
    h.clock.advance(1000);
    const response = await h.call(token, { method: 'POST', url: '/api/v1/workflowInstances', payload: { wfModelId: model.id, wfData: { requesterEmail: JANE.email } } });
    started.push(json<{ wfInstanceId: string }>(response).wfInstanceId);
  }
  const page = async (index: number) =>
    json<{ wfInstanceId: string }[]>(await h.call(token, { method: 'GET', url: `/api/v1/workflowInstances?wfModelId=${model.id}&pageSize=2&pageIndex=${index}` })).map((i) => i.wfInstanceId);
  assert.deepEqual([await page(0), await page(1), await page(2), await page(3)], [started.slice(0, 2), started.slice(2, 4), started.slice(4), []]);
  const tasks = json<{ wfInstanceId: string }[]>(await h.call(token, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks?pageSize=2&pageIndex=1` }));
  assert.deepEqual(tasks.map((task) => task.wfInstanceId), [started[2], started[1]]);
});

test('getusers: 1001 users are refused without pageSize, and paged with it', async (t) => {
  const h = await startApiV1Harness(t);
  // Jane is the first user; 1000 more.
  for (let index = 0; index < MAX_PAGE_SIZE; index += 1) {
    const id = `user-${String(index).padStart(4, '0')}`;
    await h.store.createUser(
      { id, name: id, email: null, phone: null, login: null, domainLogin: null, isLocked: false, tenantId: null, extensions: {}, credentials: [], roles: [] },
      h.clock.now(),
    );
  }
  const all = await workflowApi(h, 'getusers', {});
  assert.deepEqual([all.success, all.error], [false, 'More than 1000 users match: ask for them page by page with pageSize and pageIndex (at most 1000 a page)!']);
  assert.equal((await workflowApi(h, 'getusers', { pageSize: 0 })).success, false);
  const tooLarge = await workflowApi(h, 'getusers', { pageSize: 5000 });
  assert.deepEqual([tooLarge.success, tooLarge.error], [false, "Parameter 'pageSize' must be at most 1000!"]);
  // Pages count from 1 (the vendor's).
  assert.equal((await workflowApi<unknown[]>(h, 'getusers', { pageSize: 1000, pageIndex: 1 })).data.length, 1000);
  assert.equal((await workflowApi<unknown[]>(h, 'getusers', { pageSize: 1000, pageIndex: 2 })).data.length, 1);
  // Within the bound, "all" still answers everything.
  assert.equal((await workflowApi<unknown[]>(h, 'getusers', { name: 'user-000' })).data.length, 10);
});

test('the OpenAPI document lists pageSize (at most 1000) and pageIndex for both listings', async (t) => {
  const h = await startApiV1Harness(t);
  const document = json<{ paths: Record<string, { get: { parameters: { name: string; schema: { maximum?: number } }[] } }> }>(
    await h.app.inject({ method: 'GET', url: '/openapi/api-v1.json' }),
  );
  for (const path of ['/api/v1/workflowInstances', '/api/v1/user/{emailAddress}/tasks']) {
    const parameters = document.paths[path]!.get.parameters;
    assert.equal(parameters.find((p) => p.name === 'pageSize')?.schema.maximum, MAX_PAGE_SIZE, path);
    assert.ok(parameters.some((p) => p.name === 'pageIndex'), path);
  }
});
