/**
 * Issue #17 item 15: a task link is a bearer URL that can be forwarded; it stops opening its task
 * once its lifetime (WAYMARK_TASK_LINK_TTL, 30 days by default) has passed, on the injected clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { TASK_LINK_KEY_SETTING } from '../../src/services/index.js';
import { JANE, PUBLIC_URL, json, startApiV1Harness, type ApiV1Harness } from './harness.js';

const DAY_MS = 86_400_000;

async function startTask(h: ApiV1Harness): Promise<{ link: string; token: string }> {
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const started = await h.call(token, { method: 'POST', url: '/api/v1/workflowInstances', payload: { wfModelId: model.id, wfData: { requesterEmail: JANE.email } } });
  assert.equal(started.statusCode, 200, started.body);
  const url = new URL(json<{ redirectUrl: string }>(started).redirectUrl);
  assert.equal(url.origin, PUBLIC_URL);
  return { link: url.pathname + url.search, token };
}

async function statusOf(h: ApiV1Harness, link: string): Promise<[number, string | undefined]> {
  const response = await h.app.inject({ method: 'GET', url: link });
  return [response.statusCode, response.statusCode === 200 ? undefined : json<{ errorCode: string }>(response).errorCode];
}

test('given the default lifetime, a task link opens its task for 30 days and is refused from then on, also for completing it', async (t) => {
  const h = await startApiV1Harness(t);
  const { link } = await startTask(h);
  h.clock.advance(30 * DAY_MS - 1);
  assert.deepEqual(await statusOf(h, link), [200, undefined]);
  h.clock.advance(1);
  assert.deepEqual(await statusOf(h, link), [480, 'InvalidToken']);
  const expired = await h.app.inject({ method: 'GET', url: link });
  assert.match(json<{ message: string }>(expired).message, /expired/);
  const complete = await h.app.inject({ method: 'POST', url: link, payload: { command: 'submit' } });
  assert.deepEqual([complete.statusCode, json<{ errorCode: string }>(complete).errorCode], [480, 'InvalidToken']);
  assert.equal((await h.store.getHistory(new URL(link, PUBLIC_URL).pathname.split('/')[2]!)).length, 0, 'the task was not completed');
});

test('a fresh listing hands out a fresh link for a task whose old link expired', async (t) => {
  const h = await startApiV1Harness(t);
  const { link, token } = await startTask(h);
  h.clock.advance(31 * DAY_MS);
  assert.deepEqual(await statusOf(h, link), [480, 'InvalidToken']);
  const tasks = json<{ url: string }[]>(await h.call(token, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks` }));
  const fresh = new URL(tasks[0]!.url);
  assert.deepEqual(await statusOf(h, fresh.pathname + fresh.search), [200, undefined]);
});

test('given WAYMARK_TASK_LINK_TTL=1h, a link expires after an hour', async (t) => {
  const h = await startApiV1Harness(t, { env: { WAYMARK_PUBLIC_URL: PUBLIC_URL, WAYMARK_TASK_LINK_TTL: '1h' } });
  const { link } = await startTask(h);
  h.clock.advance(3_600_000 - 1);
  assert.deepEqual(await statusOf(h, link), [200, undefined]);
  h.clock.advance(1);
  assert.deepEqual(await statusOf(h, link), [480, 'InvalidToken']);
});

test('a link made before links carried an expiry expires one lifetime after its task was assigned', async (t) => {
  const h = await startApiV1Harness(t);
  const { link } = await startTask(h);
  // Re-sign the link's claims without the expiry, as links were made before.
  const url = new URL(link, PUBLIC_URL);
  const [body] = (url.searchParams.get('token') ?? '').split('.');
  const { e: _expiry, ...claims } = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const legacyBody = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const key = Buffer.from((await h.store.getSetting<string>(TASK_LINK_KEY_SETTING))!, 'base64url');
  const legacyToken = `${legacyBody}.${createHmac('sha256', key).update(legacyBody, 'utf8').digest('base64url')}`;
  url.searchParams.set('token', legacyToken);
  const legacyLink = url.pathname + url.search;

  assert.deepEqual(await statusOf(h, legacyLink), [200, undefined], 'a legacy link still opens within the lifetime');
  h.clock.advance(30 * DAY_MS);
  assert.deepEqual(await statusOf(h, legacyLink), [480, 'InvalidToken']);
});
