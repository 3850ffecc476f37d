/**
 * Scheme routes of the admin API over the real HTTP shell and a SQLite store: import as native
 * JSON or vendor XML, read back in either format, versions, and deletion while instances use it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportVendorXml, parseSchemeJson, toSchemeJson } from '../../src/scheme/index.js';
import { draftScheme, fixtureXml, startAdminHarness } from './harness.js';

test('a native JSON scheme is imported, listed with its instance count, and read back as JSON', async (t) => {
  const h = await startAdminHarness(t);
  const created = await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });
  assert.equal(created.statusCode, 201);
  const body = created.json();
  assert.equal(body.code, 'Draft');
  assert.equal(body.version, 1);
  assert.match(body.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(body.externalNeeds, { actions: [], conditions: [], rules: [] });
  assert.equal(created.headers.location, '/admin/api/schemes/Draft?version=1');

  await h.startInstance('11111111-0000-4000-8000-000000000001', 'Draft');
  const list = await h.admin({ method: 'GET', url: '/admin/api/schemes' });
  assert.equal(list.statusCode, 200);
  assert.equal(list.headers['cache-control'], 'no-store');
  assert.deepEqual(list.json(), [
    {
      code: 'Draft',
      name: 'Draft scheme',
      version: 1,
      tags: ['test'],
      createdAt: '2026-04-01T08:00:00.000Z',
      instanceCount: 1,
      externalNeeds: { actions: [], conditions: [], rules: [] },
    },
  ]);

  const read = await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft' });
  assert.equal(read.statusCode, 200);
  assert.match(String(read.headers['content-type']), /^application\/json/);
  const scheme = read.json();
  assert.deepEqual(Object.keys(scheme).sort(), ['code', 'createdAt', 'definition', 'id', 'version']);
  assert.equal(scheme.id, body.id);
  assert.deepEqual(scheme.definition, toSchemeJson(parseSchemeJson(draftScheme('Draft'))));
});

test('?code= overrides the code, a second import is version 2, and ?version= reads an older one', async (t) => {
  const h = await startAdminHarness(t);
  const first = await h.admin({ method: 'POST', url: '/admin/api/schemes?code=Leave', payload: draftScheme('Ignored') });
  assert.equal(first.statusCode, 201);
  assert.equal(first.json().code, 'Leave');

  h.clock.advance(60_000);
  const second = await h.admin({ method: 'POST', url: '/admin/api/schemes?code=Leave', payload: { ...draftScheme('Ignored'), name: 'Leave v2' } });
  assert.equal(second.json().version, 2);

  const versions = await h.admin({ method: 'GET', url: '/admin/api/schemes/Leave/versions' });
  assert.equal(versions.statusCode, 200);
  assert.deepEqual(
    versions.json().map((row: { version: number; name: string; createdAt: string; importedFromXml: boolean }) => [row.version, row.name, row.createdAt, row.importedFromXml]),
    [
      [1, 'Ignored scheme', '2026-04-01T08:00:00.000Z', false],
      [2, 'Leave v2', '2026-04-01T08:01:00.000Z', false],
    ],
  );

  const latest = await h.admin({ method: 'GET', url: '/admin/api/schemes/Leave' });
  assert.equal(latest.json().version, 2);
  assert.equal(latest.json().definition.name, 'Leave v2');
  const older = await h.admin({ method: 'GET', url: '/admin/api/schemes/Leave?version=1' });
  assert.equal(older.json().version, 1);
  assert.equal(older.json().definition.name, 'Ignored scheme');
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes' })).json()[0].version, 2, 'the list shows the latest version');
});

test('VacationRequest.xml round trip: the stored source XML comes back byte for byte, as XML', async (t) => {
  const h = await startAdminHarness(t);
  const xml = fixtureXml('VacationRequest');
  const created = await h.admin({ method: 'POST', url: '/admin/api/schemes', headers: { 'content-type': 'application/xml; charset=utf-8' }, payload: xml });
  assert.equal(created.statusCode, 201);
  assert.equal(created.json().code, 'VacationRequest');
  assert.deepEqual(created.json().externalNeeds, { actions: ['JsonBackup'], conditions: [], rules: [] });

  const byQuery = await h.admin({ method: 'GET', url: '/admin/api/schemes/VacationRequest?format=xml' });
  assert.equal(byQuery.statusCode, 200);
  assert.match(String(byQuery.headers['content-type']), /^application\/xml/);
  assert.equal(byQuery.body, xml);

  const byAccept = await h.admin({ method: 'GET', url: '/admin/api/schemes/VacationRequest', headers: { accept: 'application/xml' } });
  assert.match(String(byAccept.headers['content-type']), /^application\/xml/);
  assert.equal(byAccept.body, xml);

  const asJson = await h.admin({ method: 'GET', url: '/admin/api/schemes/VacationRequest', headers: { accept: 'application/json, application/xml' } });
  assert.equal(asJson.json().definition.code, 'VacationRequest', 'JSON wins when the client accepts it');

  // The JSON read back imports again, as native JSON, to an equal definition.
  const again = await h.admin({ method: 'POST', url: '/admin/api/schemes?code=VacationCopy', payload: asJson.json().definition });
  assert.equal(again.statusCode, 201);
  const copy = await h.admin({ method: 'GET', url: '/admin/api/schemes/VacationCopy' });
  assert.deepEqual({ ...copy.json().definition, code: 'VacationRequest' }, asJson.json().definition);
});

test('a JSON-imported scheme is exported as vendor XML that imports back to the same definition', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });
  const exported = await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft?format=xml' });
  assert.equal(exported.statusCode, 200);
  assert.equal(exported.body, exportVendorXml(parseSchemeJson(draftScheme('Draft'))));

  const reimported = await h.admin({ method: 'POST', url: '/admin/api/schemes?code=DraftFromXml', headers: { 'content-type': 'text/xml' }, payload: exported.body });
  assert.equal(reimported.statusCode, 201);
  const original = (await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft' })).json().definition;
  const roundTripped = (await h.admin({ method: 'GET', url: '/admin/api/schemes/DraftFromXml' })).json().definition;
  assert.deepEqual({ ...roundTripped, code: 'Draft' }, original);
  const versions = (await h.admin({ method: 'GET', url: '/admin/api/schemes/DraftFromXml/versions' })).json();
  assert.equal(versions[0].importedFromXml, true);
});

test('malformed JSON, malformed XML, an empty body and a wrong content type are refused clearly', async (t) => {
  const h = await startAdminHarness(t);
  const badJson = await h.admin({ method: 'POST', url: '/admin/api/schemes', headers: { 'content-type': 'application/json' }, payload: '{"code": ' });
  assert.equal(badJson.statusCode, 400);
  assert.deepEqual(badJson.json(), { error: 'WM_INPUT_INVALID', message: 'The request body is not valid JSON' });

  const badXml = await h.admin({ method: 'POST', url: '/admin/api/schemes', headers: { 'content-type': 'application/xml' }, payload: '<Process Name="X"><Activities>' });
  assert.equal(badXml.statusCode, 400);
  assert.equal(badXml.json().error, 'WM_SCHEME_PARSE');
  assert.ok(badXml.json().problems.length >= 1);
  assert.match(badXml.json().problems[0].where, /^XML line \d+/);

  const empty = await h.admin({ method: 'POST', url: '/admin/api/schemes' });
  assert.equal(empty.statusCode, 400);
  assert.equal(empty.json().error, 'WM_INPUT_MISSING');
  assert.match(empty.json().message, /application\/json.*application\/xml/);

  const text = await h.admin({ method: 'POST', url: '/admin/api/schemes', headers: { 'content-type': 'text/plain' }, payload: 'code: X' });
  assert.equal(text.statusCode, 415);
  assert.equal(text.json().error, 'WM_UNSUPPORTED_MEDIA_TYPE');

  const emptyCode = await h.admin({ method: 'POST', url: '/admin/api/schemes?code=', payload: draftScheme() });
  assert.equal(emptyCode.statusCode, 400);
  assert.match(emptyCode.json().message, /'code'/);

  assert.deepEqual((await h.admin({ method: 'GET', url: '/admin/api/schemes' })).json(), [], 'nothing was stored');
});

test('an XML body over the server body limit is a 413', async (t) => {
  const h = await startAdminHarness(t, { bodyLimit: 2048 });
  const response = await h.admin({ method: 'POST', url: '/admin/api/schemes', headers: { 'content-type': 'application/xml' }, payload: fixtureXml('VacationRequest') });
  assert.equal(response.statusCode, 413);
  assert.deepEqual(response.json(), { error: 'WM_BODY_TOO_LARGE', message: 'The request body is larger than the limit of 2048 bytes (WAYMARK_BODY_LIMIT)' });
});

test('an invalid scheme is a 400 that lists every problem, and nothing is stored', async (t) => {
  const h = await startAdminHarness(t);
  const response = await h.admin({
    method: 'POST',
    url: '/admin/api/schemes',
    payload: {
      code: 'Broken',
      activities: [{ name: 'Start' }],
      transitions: [{ name: 'Go', from: 'Start', to: 'Nowhere', trigger: { type: 'Auto' }, conditions: [{ type: 'Always' }] }],
    },
  });
  assert.equal(response.statusCode, 400);
  const body = response.json();
  assert.equal(body.error, 'WM_SCHEME_INVALID');
  assert.ok(body.problems.length >= 2, `every problem is listed: ${JSON.stringify(body.problems)}`);
  const text = body.problems.map((problem: { where: string; message: string }) => `${problem.where}: ${problem.message}`).join('\n');
  assert.match(text, /initial/i);
  assert.match(text, /Nowhere/);
  for (const problem of body.problems) assert.deepEqual(Object.keys(problem).sort(), ['message', 'where']);
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Broken' })).statusCode, 404);
});

test('unknown codes and versions are 404; bad query values are 400', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });

  const unknown = await h.admin({ method: 'GET', url: '/admin/api/schemes/Nope' });
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(unknown.json(), { error: 'WM_SCHEME_NOT_FOUND', message: "Scheme 'Nope' is not found" });
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Nope?format=xml' })).statusCode, 404);
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft?version=7' })).json().message, "Scheme 'Draft' version 7 is not found");
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Nope/versions' })).statusCode, 404);

  const badVersion = await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft?version=first' });
  assert.equal(badVersion.statusCode, 400);
  assert.equal(badVersion.json().error, 'WM_INPUT_INVALID');
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft?version=0' })).statusCode, 400);
  const badFormat = await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft?format=yaml' });
  assert.equal(badFormat.statusCode, 400);
  assert.match(badFormat.json().message, /json or xml/);
  const unknownRoute = await h.admin({ method: 'PATCH', url: '/admin/api/schemes/Draft' });
  assert.equal(unknownRoute.statusCode, 404);
  assert.equal(unknownRoute.json().error, 'WM_NOT_FOUND');
});

test('DELETE refuses while instances use the scheme, force deletes them too, and unknown codes are 404', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Unused') });
  const first = '11111111-0000-4000-8000-000000000001';
  const second = '11111111-0000-4000-8000-000000000002';
  await h.startInstance(first, 'Draft');
  await h.startInstance(second, 'Draft');

  const refused = await h.admin({ method: 'DELETE', url: '/admin/api/schemes/Draft' });
  assert.equal(refused.statusCode, 409);
  assert.equal(refused.json().error, 'WM_SCHEME_IN_USE');
  assert.match(refused.json().message, /used by 2 process instance/);
  assert.match(refused.json().message, /\?force=true/);
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/instances/' + first })).statusCode, 200, 'nothing was deleted');

  const forced = await h.admin({ method: 'DELETE', url: '/admin/api/schemes/Draft?force=true' });
  assert.equal(forced.statusCode, 200);
  assert.deepEqual(forced.json(), { code: 'Draft', deletedVersions: 2, deletedInstances: 2 });
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft' })).statusCode, 404);
  assert.equal((await h.admin({ method: 'GET', url: '/admin/api/instances/' + first })).statusCode, 404);
  assert.equal(await h.store.getInstance(second), null);

  const unused = await h.admin({ method: 'DELETE', url: '/admin/api/schemes/Unused' });
  assert.deepEqual(unused.json(), { code: 'Unused', deletedVersions: 1, deletedInstances: 0 });

  const unknown = await h.admin({ method: 'DELETE', url: '/admin/api/schemes/Unused' });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().error, 'WM_SCHEME_NOT_FOUND');
  assert.equal((await h.admin({ method: 'DELETE', url: '/admin/api/schemes/Draft?force=maybe' })).statusCode, 400);
  assert.deepEqual((await h.admin({ method: 'GET', url: '/admin/api/schemes' })).json(), []);
});
