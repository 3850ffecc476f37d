/**
 * Form, instance and log routes of the admin API over the real HTTP shell and a SQLite store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { draftScheme, startAdminHarness } from './harness.js';

const PROCESS = '22222222-0000-4000-8000-000000000001';

test('forms: a scheme-wide and a state form are saved, listed, read, replaced and deleted', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });

  const saved = await h.admin({ method: 'PUT', url: '/admin/api/schemes/Draft/forms/Request', payload: { source: '<form>any</form>' } });
  assert.equal(saved.statusCode, 200);
  assert.deepEqual(saved.json(), { schemeCode: 'Draft', name: 'Request', state: null, source: '<form>any</form>' });
  await h.admin({ method: 'PUT', url: '/admin/api/schemes/Draft/forms/Request?state=Done', payload: { source: '<form>done</form>' } });

  const list = await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft/forms' });
  assert.deepEqual(list.json(), [
    { schemeCode: 'Draft', name: 'Request', state: null, source: '<form>any</form>' },
    { schemeCode: 'Draft', name: 'Request', state: 'Done', source: '<form>done</form>' },
  ]);
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft/forms/Request' })).json().source, '<form>any</form>');
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft/forms/Request?state=Done' })).json().source, '<form>done</form>');

  await h.admin({ method: 'PUT', url: '/admin/api/schemes/Draft/forms/Request', payload: { source: '<form>v2</form>' } });
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft/forms/Request' })).json().source, '<form>v2</form>', 'PUT replaces');

  const deleted = await h.admin({ method: 'DELETE', url: '/admin/api/schemes/Draft/forms/Request?state=Done' });
  assert.equal(deleted.statusCode, 200);
  assert.deepEqual(deleted.json(), { schemeCode: 'Draft', name: 'Request', state: 'Done', deleted: true });
  const gone = await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft/forms/Request?state=Done' });
  assert.equal(gone.statusCode, 404);
  assert.deepEqual(gone.json(), { error: 'WM_NOT_FOUND', message: "Form 'Request' of scheme 'Draft' (state 'Done') is not found" });
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft/forms' })).json().length, 1);
});

test('forms: unknown schemes and forms are 404, a missing or wrong source is 400', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });

  const unknownScheme = await h.admin({ method: 'PUT', url: '/admin/api/schemes/Nope/forms/Request', payload: { source: 'x' } });
  assert.equal(unknownScheme.statusCode, 404);
  assert.equal(unknownScheme.json().error, 'WM_SCHEME_NOT_FOUND');
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Nope/forms' })).statusCode, 404);
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Nope/forms/Request' })).statusCode, 404);

  const unknownForm = await h.admin({ method: 'DELETE', url: '/admin/api/schemes/Draft/forms/Missing' });
  assert.equal(unknownForm.statusCode, 404);
  assert.equal(unknownForm.json().error, 'WM_NOT_FOUND');

  const noSource = await h.admin({ method: 'PUT', url: '/admin/api/schemes/Draft/forms/Request', payload: { text: 'x' } });
  assert.equal(noSource.statusCode, 400);
  assert.equal(noSource.json().error, 'WM_INPUT_MISSING');
  assert.match(noSource.json().message, /source/);

  const xmlBody = await h.admin({ method: 'PUT', url: '/admin/api/schemes/Draft/forms/Request', headers: { 'content-type': 'application/xml' }, payload: '<form/>' });
  assert.equal(xmlBody.statusCode, 400);
  assert.match(xmlBody.json().message, /\{"source": "…"\}/);

  const badJson = await h.admin({ method: 'PUT', url: '/admin/api/schemes/Draft/forms/Request', headers: { 'content-type': 'application/json' }, payload: '{"source"' });
  assert.equal(badJson.statusCode, 400);
  assert.equal(badJson.json().error, 'WM_INPUT_INVALID');

  const badState = await h.admin({ method: 'PUT', url: '/admin/api/schemes/Draft/forms/Request?state=a%2Fb', payload: { source: 'x' } });
  assert.equal(badState.statusCode, 400);
  assert.match(badState.json().message, /'state'/);
  assert.deepEqual((await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft/forms' })).json(), [], 'nothing was stored');
});

test('an instance is shown with its scheme and history; an unknown id is 404', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });
  await h.startInstance(PROCESS, 'Draft');
  h.clock.advance(5 * 60_000);
  await h.workflow.executeCommand({ processId: PROCESS, command: 'submit', actor: { identityId: 'u1', impersonatedIdentityId: null }, parameters: [] });

  const response = await h.admin({ method: 'GET', url: `/admin/api/instances/${PROCESS}` });
  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.equal(body.instance.id, PROCESS);
  assert.equal(body.instance.activityName, 'Done');
  assert.equal(body.instance.stateName, 'Done');
  assert.deepEqual(body.scheme, { code: 'Draft', version: 1, name: 'Draft scheme' });
  assert.equal(body.history.length, 1);
  assert.deepEqual(
    [body.history[0].fromActivityName, body.history[0].toActivityName, body.history[0].triggerType, body.history[0].triggerName, body.history[0].identityId, body.history[0].transitionTime],
    ['Draft', 'Done', 'Command', 'submit', 'u1', '2026-04-01T08:05:00.000Z'],
  );

  const unknown = await h.admin({ method: 'GET', url: '/admin/api/instances/33333333-0000-4000-8000-000000000009' });
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(unknown.json(), { error: 'WM_INSTANCE_NOT_FOUND', message: 'Process instance 33333333-0000-4000-8000-000000000009 is not found' });
});

test('logs are queried newest first, by level, with a limit; bad level or limit is 400', async (t) => {
  const h = await startAdminHarness(t);
  await h.logs.write('info', 'first start');
  h.clock.advance(1000);
  await h.logs.write('error', 'backup failed', { processId: PROCESS });
  h.clock.advance(1000);
  await h.logs.write('info', 'second start');

  const all = await h.admin({ method: 'GET', url: '/admin/api/logs' });
  assert.equal(all.statusCode, 200);
  assert.equal(all.json().total, 3);
  assert.deepEqual(all.json().items.map((entry: { message: string }) => entry.message), ['second start', 'backup failed', 'first start']);

  const errors = await h.admin({ method: 'GET', url: '/admin/api/logs?level=error' });
  assert.equal(errors.json().total, 1);
  assert.deepEqual(errors.json().items[0].properties, { processId: PROCESS });
  assert.equal(errors.json().items[0].createdAt, '2026-04-01T08:00:01.000Z');

  const limited = await h.admin({ method: 'GET', url: '/admin/api/logs?level=info&limit=1' });
  assert.deepEqual(limited.json().items.map((entry: { message: string }) => entry.message), ['second start']);
  assert.equal(limited.json().total, 2, 'total counts every match, not only the page');

  const searched = await h.admin({ method: 'GET', url: '/admin/api/logs?search=BACKUP' });
  assert.deepEqual(searched.json().items.map((entry: { message: string }) => entry.message), ['backup failed']);

  const badLevel = await h.admin({ method: 'GET', url: '/admin/api/logs?level=warn' });
  assert.equal(badLevel.statusCode, 400);
  assert.match(badLevel.json().message, /info, error, debug/);
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/logs?limit=-1' })).statusCode, 400);
  const unbounded = await h.admin({ method: 'GET', url: '/admin/api/logs?limit=0' });
  assert.equal(unbounded.statusCode, 400, 'limit=0 would be every entry: refused');
  assert.match(unbounded.json().message, /from 1 to 1000/);
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/logs?limit=5000' })).statusCode, 400);
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/logs?limit=1&limit=2' })).statusCode, 400);
});
