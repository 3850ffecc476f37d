import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureXml, ids, startHarness, type Harness } from './harness.js';

async function withRequests(h: Harness, ...processIds: string[]): Promise<void> {
  await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });
  for (const id of processIds) {
    await h.call(`/workflowapi/createinstance/${id}`, { schemeCode: 'VacationRequest', identityId: 'John' });
    h.clock.advance(1000);
  }
}

test('createinstance refuses an existing processId and changes nothing', async (t) => {
  const h = await startHarness(t);
  await withRequests(h, ids.process);
  const again = await h.call(`/workflowapi/createinstance/${ids.process}`, { schemeCode: 'VacationRequest', parameters: { Sum: 5 } });
  assert.equal(again.body.success, false);
  assert.match(again.body.error ?? '', /already exists/);
  assert.equal((await h.workflow.getInstance(ids.process)).parameters.Sum, 100);
  const noScheme = await h.call(`/workflowapi/createinstance/${ids.other}`, { schemeCode: 'Nope' });
  assert.equal(noScheme.body.code, 'WM_SCHEME_NOT_FOUND');
});

test('getinstances pages, sorts, filters and searches', async (t) => {
  const h = await startHarness(t);
  await withRequests(h, ids.process, ids.other, ids.third);
  const first = await h.call('/workflowapi/getinstances', { take: 2 });
  assert.equal(first.body.data.TotalCount, 3);
  assert.equal(first.body.data.TotalCountIsLowerBound, false);
  assert.deepEqual(first.body.data.Instances.map((i: { Id: string }) => i.Id), [ids.third, ids.other]);
  const second = await h.call('/workflowapi/getinstances?take=2&skip=2&sort=CreationDate%20asc');
  assert.deepEqual(second.body.data.Instances.map((i: { Id: string }) => i.Id), [ids.third]);
  const all = await h.call('/workflowapi/getinstances', { take: 0, status: 'Idled', schemeCode: 'VacationRequest' });
  assert.equal(all.body.data.Instances.length, 3);
  const none = await h.call('/workflowapi/getinstances', { status: [3] });
  assert.equal(none.body.data.TotalCount, 0);
  const search = await h.call('/workflowapi/getinstances', { search: ids.other.slice(0, 8) });
  assert.deepEqual(search.body.data.Instances.map((i: { Id: string }) => i.Id), [ids.other]);
  const dated = await h.call('/workflowapi/getinstances', { fromCreationDate: '2026-03-02T09:00:01Z' });
  assert.equal(dated.body.data.TotalCount, 2);
  const badSort = await h.call('/workflowapi/getinstances', { sort: 'Colour up' });
  assert.match(badSort.body.error ?? '', /Parameter 'sort'/);
  const badTake = await h.call('/workflowapi/getinstances?take=-1');
  assert.equal(badTake.body.success, false);
});

test('setparameter and getparameter, with tenant checks', async (t) => {
  const h = await startHarness(t);
  await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });
  await h.call(`/workflowapi/createinstance/${ids.process}`, { schemeCode: 'VacationRequest', tenantId: 'acme' });
  assert.equal((await h.call(`/workflowapi/setparameter/${ids.process}?parameter=Sum&value=250`)).body.success, true);
  assert.equal((await h.call(`/workflowapi/getparameter/${ids.process}`, { parameter: 'Sum' })).body.data, 250);
  // A tenant that is not the instance's: the vendor's text, Waymark's detail and code.
  const other = await h.call(`/workflowapi/getparameter/${ids.process}`, { parameter: 'Sum', tenantId: 'globex' });
  assert.deepEqual(other.body, {
    success: false,
    data: null,
    error: 'If tenantId parameter was set then tenantId parameter and process instance TenantId should be equal',
    message: `Process instance ${ids.process} is not found in tenant globex`,
    code: 'WM_TENANT_MISMATCH',
  });
  const missing = await h.call(`/workflowapi/setparameter/${ids.process}`, { parameter: 'Sum' });
  assert.equal(missing.body.error, "Parameter 'value' is required! Add parameter value in 'value' parameter.");
  const noName = "Parameter 'parameter' is required! Add parameter name in 'parameter'.";
  assert.equal((await h.call(`/workflowapi/setparameter/${ids.process}`, { value: 1 })).body.error, noName);
  assert.equal((await h.call(`/workflowapi/getparameter/${ids.process}`)).body.error, noName);
});

test('setstate moves only to a for-set-state state; resume restarts an Error instance', async (t) => {
  const h = await startHarness(t);
  await withRequests(h, ids.process);
  const set = await h.call(`/workflowapi/setstate/${ids.process}`, { state: 'AccountingReview', identityId: 'admin' });
  assert.equal(set.body.success, true, set.body.error ?? '');
  assert.equal((await h.workflow.getInstance(ids.process)).activityName, 'AccountingReview');
  assert.equal((await h.call(`/workflowapi/setstate/${ids.process}`, { state: 'Moon' })).body.success, false);
  assert.equal((await h.call(`/workflowapi/setstate/${ids.process}`)).body.error, "Parameter 'state' is required!");

  h.callbacks.failing = true;
  await h.call(`/workflowapi/createinstance/${ids.other}`, { schemeCode: 'VacationRequest' });
  assert.equal((await h.workflow.getInstance(ids.other)).status, 5);
  h.callbacks.failing = false;
  const resumed = await h.call(`/workflowapi/resume/${ids.other}`);
  assert.deepEqual(resumed.body.data, { WasResumed: true });
  assert.equal((await h.workflow.getInstance(ids.other)).status, 2);
});

test('updateinstance(s) move to the latest version; deleteinstance(s) remove everything', async (t) => {
  const h = await startHarness(t);
  await withRequests(h, ids.process, ids.other);
  await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });
  assert.equal((await h.call(`/workflowapi/updateinstance/${ids.process}`)).body.success, true);
  assert.equal((await h.workflow.getInstance(ids.process)).schemeVersion, 2);
  assert.equal((await h.call('/workflowapi/updateinstances', { processIds: [ids.other] })).body.success, true);
  assert.equal((await h.workflow.getInstance(ids.other)).schemeVersion, 2);
  const partly = await h.call('/workflowapi/updateinstances', { processIds: [ids.other, ids.third] });
  assert.equal(partly.body.error, 'Updating some processes thrown errors');

  assert.equal((await h.call(`/workflowapi/deleteinstance/${ids.process}`)).body.success, true);
  assert.equal(await h.workflow.instanceExists(ids.process), false);
  assert.deepEqual(await h.store.getInbox({ processId: ids.process }), []);
  assert.equal((await h.call(`/workflowapi/deleteinstance/${ids.process}`)).body.success, false);
  const some = await h.call('/workflowapi/deleteinstances', { processIds: JSON.stringify([ids.other, ids.third]) });
  assert.equal(some.body.error, 'Deleting some processes thrown errors');
  assert.match(some.body.message ?? '', new RegExp(ids.third));
  assert.equal(await h.workflow.instanceExists(ids.other), false);
});

test('inboxrecalc answers at once and recomputes in the background', async (t) => {
  const h = await startHarness(t);
  await withRequests(h, ids.process);
  await h.store.applyStep({
    step: { instances: [], removedInstanceIds: [], history: [], inbox: new Map([[ids.process, []]]), outbox: [], timers: new Map(), events: [], messages: [] },
    expectedRevisions: new Map(),
  });
  assert.deepEqual(await h.store.getInbox({ processId: ids.process }), []);
  const malformed = await h.call('/workflowapi/inboxrecalc', { processIds: ['not-a-guid'] });
  assert.deepEqual([malformed.body.success, malformed.body.error], [false, "Parameter 'processids' must be an array of GUIDs!"]);
  const answer = await h.call('/workflowapi/inboxrecalc', { processIds: [ids.process] });
  assert.deepEqual(answer.body, { success: true, data: null, error: null, message: 'Inbox recalc was started.' });
  for (let i = 0; i < 50 && (await h.store.getInbox({ processId: ids.process })).length === 0; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.deepEqual((await h.store.getInbox({ processId: ids.process })).map((row) => row.identityId), ['John']);
});

test('logs: loginfo/logerror/logdebug write structured lines with extra fields and keep them queryable', async (t) => {
  const h = await startHarness(t);
  assert.equal((await h.call('/workflowapi/loginfo', { message: 'backup done', orderId: 42, token: 'hidden' })).body.success, true);
  await h.call('/workflowapi/logerror?message=disk%20full&disk=C');
  await h.call('/workflowapi/logdebug', { message: 'tick' });
  assert.equal((await h.call('/workflowapi/loginfo')).body.error, "Parameter 'message' is required!");
  const info = h.logLines.find((line) => line.msg === 'backup done');
  const fields = info?.fields as Record<string, unknown> | undefined;
  assert.equal(fields?.orderId, 42, 'the caller\'s fields are kept under `fields`');
  assert.equal(info?.level, 30);
  assert.equal(fields?.token, undefined);
  assert.equal(info?.token, undefined);
  assert.equal(h.logLines.find((line) => line.msg === 'disk full')?.level, 50);
  const stored = await h.logs.query({ level: 'error' });
  assert.deepEqual(stored.items.map((e) => [e.message, e.properties.disk]), [['disk full', 'C']]);
});

test('server: stop makes executing operations answer clearly, start resumes, isactive tells', async (t) => {
  const h = await startHarness(t);
  await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });
  assert.equal((await h.call('/workflowapi/stop')).body.success, true);
  assert.equal((await h.call('/workflowapi/isactive')).body.data, false);
  const refused = await h.call(`/workflowapi/createinstance/${ids.process}`, { schemeCode: 'VacationRequest' });
  assert.match(refused.body.error ?? '', /stopped/);
  await h.call('/workflowapi/START');
  assert.equal((await h.call('/workflowapi/isactive')).body.data, true);
  assert.equal((await h.call(`/workflowapi/createinstance/${ids.process}`, { schemeCode: 'VacationRequest' })).body.success, true);
});

test('getformbyflow finds the form of the current state, else the scheme-wide one; getschemelist filters by tags', async (t) => {
  const h = await startHarness(t);
  await withRequests(h, ids.process);
  await h.forms.save({ schemeCode: 'VacationRequest', name: 'Request', source: '<form>any</form>' });
  await h.forms.save({ schemeCode: 'VacationRequest', name: 'Request', state: 'VacationRequestCreated', source: '<form>draft</form>' });
  const byState = await h.call(`/workflowapi/getformbyflow/Request?processId=${ids.process}`);
  assert.deepEqual(byState.body.data, { Name: 'Request', Source: '<form>draft</form>' });
  await h.call(`/workflowapi/setstate/${ids.process}`, { state: 'ManagerSigning' });
  assert.equal((await h.call('/workflowapi/getformbyflow', { name: 'Request', processId: ids.process })).body.data.Source, '<form>any</form>');
  assert.equal((await h.call('/workflowapi/getformbyflow/Request')).body.data.Source, '<form>any</form>');
  assert.equal((await h.call('/workflowapi/getformbyflow/Missing')).body.code, 'WM_NOT_FOUND');
  assert.equal(
    (await h.call(`/workflowapi/getformbyflow?processId=${ids.process}`)).body.error,
    "Parameter 'name' is required! Use such URL format: workflowapi/getformbyflow/{name}.",
  );

  assert.deepEqual((await h.call('/workflowapi/getschemelist')).body.data, ['VacationRequest']);
  assert.deepEqual((await h.call('/workflowapi/getschemelist?tags=Finance,HR')).body.data, []);
});

test('getinstanceinfo lists the live subprocesses of a parent waiting for them (SubProcessIds)', async (t) => {
  const h = await startHarness(t);
  // ParallelProcessesWithWaiting, with the subprocess's finalize transition waiting for a command.
  const xml = fixtureXml('ParallelProcessesWithWaiting')
    .replace(/(<Process [^>]*>)/, '$1\n  <Commands><Command Name="Finish" /></Commands>')
    .replace(
      /(<Transition Name="SubprocessWork_RootProcessFinal_1"[\s\S]*?<Trigger Type=")Auto(" \/>)/,
      '$1Command" NameRef="Finish$2',
    );
  await h.workflow.saveScheme({ xml });
  await h.call(`/workflowapi/createinstance/${ids.process}`, { schemeCode: 'ParallelProcessesWithWaiting' });
  const parent = (await h.call(`/workflowapi/getinstanceinfo/${ids.process}`)).body.data;
  assert.equal(parent.ActivityName, 'WaitingForMerge');
  assert.equal(parent.SubProcessIds.length, 1);
  const childId = parent.SubProcessIds[0];
  const child = (await h.call(`/workflowapi/getinstanceinfo/${childId}`)).body.data;
  assert.deepEqual([child.IsSubProcess, child.ParentProcessId, child.ActivityName, child.SubProcessIds], [true, ids.process, 'SubprocessWork', []]);

  const finished = await h.call(`/workflowapi/executecommand/${childId}`, { command: 'Finish' });
  assert.equal(finished.body.data.WasExecuted, true);
  const merged = (await h.call(`/workflowapi/getinstanceinfo/${ids.process}`)).body.data;
  assert.deepEqual([merged.ActivityName, merged.InstanceStatus, merged.SubProcessIds], ['Final', 3, []]);
});

test('history entries carry GUID ids, the same on every read and new for a process made again under its id', async (t) => {
  const h = await startHarness(t);
  await withRequests(h, ids.process);
  const moved = await h.call(`/workflowapi/executecommand/${ids.process}`, {
    command: 'StartSigning',
    identityId: 'John',
    parameters: { Comment: 'May' },
  });
  assert.equal(moved.body.data?.WasExecuted, true, JSON.stringify(moved.body));
  assert.equal((await h.call(`/workflowapi/setstate/${ids.process}`, { state: 'AccountingReview', identityId: 'admin' })).body.success, true);
  const historyIds = async () =>
    ((await h.call(`/workflowapi/getinstanceinfo/${ids.process}`)).body.data.History as { Id: string }[]).map((entry) => entry.Id);

  // Given the history of a request that moved twice.
  const first = await historyIds();
  assert.ok(first.length >= 2, JSON.stringify(first));
  // Then each id is a GUID a typed .NET client can bind, and the ids differ.
  for (const id of first) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(first).size, first.length);
  // And a second read gives the same ids.
  assert.deepEqual(await historyIds(), first);

  // When the process is deleted and made again under the same id, its entries get new ids.
  await h.call(`/workflowapi/deleteinstance/${ids.process}`);
  h.clock.advance(60_000);
  await h.call(`/workflowapi/createinstance/${ids.process}`, { schemeCode: 'VacationRequest', identityId: 'John' });
  await h.call(`/workflowapi/setstate/${ids.process}`, { state: 'AccountingReview', identityId: 'admin' });
  const again = await historyIds();
  assert.ok(again.length >= 1);
  assert.equal(again.some((id) => first.includes(id)), false);
});
