/**
 * `GET /api/v1/user/{email}/tasks` and the task links: the seed's fields (url included), the
 * filters and their error rows, and links that open and complete exactly one task, once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_PERMISSIONS } from '../../src/services/index.js';
import { BOSS, JANE, PUBLIC_URL, json, startApiV1Harness, type ApiV1Harness } from './harness.js';

const TASK_FIELDS = ['assignee', 'taskId', 'taskName', 'wfInstanceId', 'wfInstanceName', 'wfModelId', 'wfModelName', 'url', 'tenantId', 'created'];

async function startFor(h: ApiV1Harness, token: string, wfModelId: string, requesterEmail = JANE.email): Promise<{ wfInstanceId: string; redirectUrl: string }> {
  const response = await h.call(token, { method: 'POST', url: '/api/v1/workflowInstances', payload: { wfModelId, wfData: { requesterEmail } } });
  assert.equal(response.statusCode, 200, response.body);
  return json(response);
}

/** A task link's origin, path and claims, without the expiry (which depends on when it was made). */
function linkWithoutExpiry(url: string): { where: string; claims: Record<string, unknown> } {
  const parsed = new URL(url);
  const body = (parsed.searchParams.get('token') ?? '').split('.')[0] ?? '';
  const { e: _expiry, ...claims } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { where: parsed.origin + parsed.pathname, claims };
}

/** The path and query of a task link (the app is reached through inject). */
function local(url: string): string {
  const parsed = new URL(url);
  assert.equal(parsed.origin, PUBLIC_URL);
  return parsed.pathname + parsed.search;
}

test('GET /user/{email}/tasks: current tasks with every seed field; completed ones from the outbox; all', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const first = await startFor(h, token, model.id);
  h.clock.advance(1000);
  const second = await startFor(h, token, model.id);

  const current = await h.call(token, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks` });
  assert.equal(current.statusCode, 200);
  const tasks = json<Record<string, string>[]>(current);
  assert.deepEqual(tasks.map((task) => Object.keys(task)), [TASK_FIELDS, TASK_FIELDS]);
  assert.deepEqual(tasks.map((task) => task.wfInstanceId), [second.wfInstanceId, first.wfInstanceId]);
  const { taskId, url, ...rest } = tasks[1]!;
  assert.match(taskId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  // The same task's link; made a second later, so it expires a second later (docs/api-v1.md, Task links).
  assert.deepEqual(linkWithoutExpiry(url!), linkWithoutExpiry(first.redirectUrl));
  assert.deepEqual(rest, {
    assignee: JANE.email,
    taskName: 'Form',
    wfInstanceId: first.wfInstanceId,
    wfInstanceName: 'Time-Off Request for Jane Smith',
    wfModelId: model.id,
    wfModelName: 'Time-Off Request',
    tenantId: group.id,
    created: '2026-05-04T09:00:00.000Z',
  });

  h.clock.advance(1000);
  const submitted = await h.app.inject({ method: 'POST', url: local(first.redirectUrl), payload: { command: 'submit' } });
  assert.equal(submitted.statusCode, 200);
  const completed = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks?status=completed` }));
  assert.deepEqual(completed.map((task) => [task.wfInstanceId, task.taskName, task.url, task.created]), [[first.wfInstanceId, 'Form', null, '2026-05-04T09:00:02.000Z']]);
  assert.deepEqual(Object.keys(completed[0]!), TASK_FIELDS);
  const all = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks?status=all` }));
  assert.deepEqual(all.map((task) => task.wfInstanceId), [first.wfInstanceId, second.wfInstanceId]);
  const stillCurrent = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks` }));
  assert.deepEqual(stillCurrent.map((task) => task.wfInstanceId), [second.wfInstanceId]);

  // The boss has no stored user: the identity is the email itself.
  const boss = json<Record<string, unknown>[]>(await h.call(token, { method: 'GET', url: `/api/v1/user/${BOSS}/tasks` }));
  assert.deepEqual(boss.map((task) => [task.assignee, task.taskName, task.wfInstanceId]), [[BOSS, 'Review', first.wfInstanceId]]);
});

test('GET /user/{email}/tasks filters by wfModelId, tenantId or organizationId; both of the latter is 480 OnlyTenantIdOrOrganizationIdAllowed', async (t) => {
  const h = await startApiV1Harness(t);
  const [sales, support] = h.orgA.groups;
  const salesModel = await h.publish(sales.id, { name: 'Sales Time-Off' });
  const supportModel = await h.publish(support.id, { name: 'Support Time-Off' });
  const orgToken = await h.tokenFor(h.orgA.organization.id);
  await startFor(h, orgToken, salesModel.id);
  await startFor(h, orgToken, supportModel.id);
  const names = async (query: string) =>
    json<{ wfModelName: string }[]>(await h.call(orgToken, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks${query}` })).map((task) => task.wfModelName).sort();

  assert.deepEqual(await names(''), ['Sales Time-Off', 'Support Time-Off']);
  assert.deepEqual(await names(`?organizationId=${h.orgA.organization.id}`), ['Sales Time-Off', 'Support Time-Off']);
  assert.deepEqual(await names(`?tenantId=${support.id}`), ['Support Time-Off']);
  assert.deepEqual(await names(`?wfModelId=${salesModel.id}`), ['Sales Time-Off']);
  // wfModelId overrides tenantId and organizationId.
  assert.deepEqual(await names(`?wfModelId=${salesModel.id}&tenantId=${support.id}`), ['Sales Time-Off']);

  const both = await h.call(orgToken, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks?tenantId=${sales.id}&organizationId=${h.orgA.organization.id}` });
  assert.equal(both.statusCode, 480);
  assert.equal(json<{ errorCode: string }>(both).errorCode, 'OnlyTenantIdOrOrganizationIdAllowed');
  const invalid = await h.call('bad', { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks` });
  assert.deepEqual([invalid.statusCode, json<{ errorCode: string }>(invalid).errorCode], [480, 'InvalidToken']);
  const badStatus = await h.call(orgToken, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks?status=late` });
  assert.deepEqual([badStatus.statusCode, json<{ errorCode: string }>(badStatus).errorCode], [480, 'InvalidInput']);
  const narrow = await h.tokenFor(sales.id, [API_PERMISSIONS.listWorkflowModels]);
  const refused = await h.call(narrow, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks` });
  assert.deepEqual([refused.statusCode, json<{ errorCode: string }>(refused).errorCode], [401, 'Unauthorized']);
});

test('a task link opens its task, completes it once as the assignee, then is refused', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const { wfInstanceId, redirectUrl } = await startFor(h, token, model.id);
  const link = local(redirectUrl);

  const opened = await h.app.inject({ method: 'GET', url: link });
  assert.equal(opened.statusCode, 200);
  assert.deepEqual(json<Record<string, unknown>>(opened), {
    taskId: json<{ taskId: string }[]>(await h.call(token, { method: 'GET', url: `/api/v1/user/${JANE.email}/tasks` }))[0]!.taskId,
    taskName: 'Form',
    assignee: JANE.email,
    wfInstanceId,
    wfInstanceName: 'Time-Off Request for Jane Smith',
    wfModelId: model.id,
    wfModelName: 'Time-Off Request',
    commands: [{ name: 'submit', localizedName: 'submit', parameters: [{ name: 'comment', localizedName: 'comment', type: 'String', isRequired: false, defaultValue: null }] }],
  });

  const unknownCommand = await h.app.inject({ method: 'POST', url: link, payload: { command: 'approve' } });
  assert.deepEqual([unknownCommand.statusCode, json<{ errorCode: string }>(unknownCommand).errorCode], [480, 'InvalidInput']);
  const noCommand = await h.app.inject({ method: 'POST', url: link, payload: {} });
  assert.deepEqual([noCommand.statusCode, json<{ errorCode: string }>(noCommand).errorCode], [480, 'MissingInput']);

  const done = await h.app.inject({ method: 'POST', url: link, payload: { command: 'submit', parameters: { comment: 'two days' } } });
  assert.equal(done.statusCode, 200);
  assert.equal(json<{ completed: boolean }>(done).completed, true);
  const history = await h.store.getHistory(wfInstanceId);
  assert.deepEqual(history.map((row) => [row.triggerName, row.identityId, row.toActivityName]), [['submit', JANE.email, 'Review']]);

  for (const method of ['GET', 'POST'] as const) {
    const again = await h.app.inject({ method, url: link, ...(method === 'POST' ? { payload: { command: 'submit' } } : {}) });
    assert.deepEqual([again.statusCode, json<{ errorCode: string }>(again).errorCode], [480, 'InvalidToken']);
  }
});

test('a task link cannot open another task or instance, and a tampered or missing token is refused', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const first = await startFor(h, token, model.id);
  const second = await startFor(h, token, model.id);
  const linkToken = new URL(first.redirectUrl).searchParams.get('token')!;

  const elsewhere = await h.app.inject({ method: 'POST', url: `/workflows/${second.wfInstanceId}/tasks/current?token=${encodeURIComponent(linkToken)}`, payload: { command: 'submit' } });
  assert.deepEqual([elsewhere.statusCode, json<{ errorCode: string }>(elsewhere).errorCode], [480, 'InvalidToken']);
  assert.equal((await h.workflow.getInstance(second.wfInstanceId)).activityName, 'Form');

  // The claims name the other instance, but the signature was made for the first: refused.
  const [body, signature] = linkToken.split('.');
  const claims = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as Record<string, string>;
  const forged = `${Buffer.from(JSON.stringify({ ...claims, i: second.wfInstanceId }), 'utf8').toString('base64url')}.${signature}`;
  const tampered = await h.app.inject({ method: 'GET', url: `/workflows/${second.wfInstanceId}/tasks/current?token=${encodeURIComponent(forged)}` });
  assert.deepEqual([tampered.statusCode, json<{ errorCode: string }>(tampered).errorCode], [480, 'InvalidToken']);
  const missing = await h.app.inject({ method: 'GET', url: `/workflows/${first.wfInstanceId}/tasks/current` });
  assert.deepEqual([missing.statusCode, json<{ errorCode: string }>(missing).errorCode], [480, 'InvalidToken']);
  const garbage = await h.app.inject({ method: 'GET', url: `/workflows/${first.wfInstanceId}/tasks/current?token=abc` });
  assert.deepEqual([garbage.statusCode, json<{ errorCode: string }>(garbage).errorCode], [480, 'InvalidToken']);

  // The link grants nothing in /api/v1.
  const asApiToken = await h.call(linkToken, { method: 'GET', url: `/api/v1/workflowInstances/${first.wfInstanceId}/variables` });
  assert.deepEqual([asApiToken.statusCode, json<{ errorCode: string }>(asApiToken).errorCode], [480, 'InvalidToken']);
});

test('a browser sees the task as an escaped HTML page whose form completes it', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id, { name: '<script>alert(1)</script> Leave' });
  const token = await h.tokenFor(group.id);
  const { wfInstanceId, redirectUrl } = await startFor(h, token, model.id);
  const link = local(redirectUrl);

  const page = await h.app.inject({ method: 'GET', url: link, headers: { accept: 'text/html,application/xhtml+xml' } });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /^text\/html/);
  assert.ok(!page.body.includes('<script>'));
  assert.ok(page.body.includes('&#60;script&#62;alert(1)&#60;/script&#62; Leave'));
  assert.ok(page.body.includes('<form method="post"'));
  assert.ok(page.body.includes('name="command" value="submit"'));
  assert.ok(page.body.includes('name="parameter.comment"'));

  const posted = await h.app.inject({
    method: 'POST',
    url: link,
    headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'command=submit&parameter.comment=by+form',
  });
  assert.equal(posted.statusCode, 200);
  assert.match(posted.body, /Task completed/);
  assert.equal((await h.workflow.getInstance(wfInstanceId)).activityName, 'Review');
  const refused = await h.app.inject({ method: 'GET', url: link, headers: { accept: 'text/html' } });
  assert.equal(refused.statusCode, 480);
  assert.match(refused.body, /Task not available/);
});

test('two simultaneous completions of one link: exactly one executes', async (t) => {
  const h = await startApiV1Harness(t);
  const group = h.orgA.groups[0];
  const model = await h.publish(group.id);
  const token = await h.tokenFor(group.id);
  const { wfInstanceId, redirectUrl } = await startFor(h, token, model.id);
  const link = local(redirectUrl);
  const answers = await Promise.all([1, 2, 3].map(() => h.app.inject({ method: 'POST', url: link, payload: { command: 'submit' } })));
  assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 480, 480]);
  assert.deepEqual((await h.store.getHistory(wfInstanceId)).map((row) => row.triggerName), ['submit']);
});
