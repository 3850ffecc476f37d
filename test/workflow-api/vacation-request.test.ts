import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureXml, ids, startHarness, type Harness } from './harness.js';

const P = ids.process;

async function commandsFor(h: Harness, identityId: string): Promise<string[]> {
  const { body } = await h.call(`/workflowapi/getavailablecommands/${P}`, { identityId });
  assert.equal(body.success, true, body.error ?? '');
  return (body.data as { CommandName: string }[]).map((c) => c.CommandName).sort();
}

async function inboxOf(h: Harness, identityId: string): Promise<string[]> {
  const { body } = await h.call('/workflowapi/inbox', { identityId });
  return (body.data as { AvailableCommands: string[] }[]).flatMap((row) => row.AvailableCommands).sort();
}

async function outboxOf(h: Harness, identityId: string): Promise<string[]> {
  const { body } = await h.call('/workflowapi/outbox', { identityId });
  return (body.data as { CommandName: string }[]).map((row) => row.CommandName);
}

test('VacationRequest: users and roles through the User section, then the request travels to the end', async (t) => {
  const h = await startHarness(t);
  await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });

  // Given a boss and an accountant created through the User section, with their roles.
  assert.deepEqual((await h.call('/workflowapi/createuser', { id: ids.boss, name: 'Bea Boss', roles: ['Big Boss'] })).body, {
    success: true,
    data: null,
    error: null,
    message: 'User was created.',
  });
  await h.call('/workflowapi/createuser', { id: ids.accountant, name: 'Alan Accountant', login: 'alan', password: 's3cret!' });
  assert.equal((await h.call(`/workflowapi/addusertorole/${ids.accountant}`, { roleName: 'Accountant' })).body.success, true);

  // When John creates a request for 150 (more than his manager may approve alone).
  const created = await h.call(`/workflowapi/createinstance/${P}`, {
    schemeCode: 'VacationRequest',
    identityId: 'John',
    parameters: [{ name: 'Sum', value: 150, persist: true }],
  });
  assert.equal(created.body.success, true, created.body.error ?? '');
  assert.deepEqual(h.callbacks.actions, [{ name: 'JsonBackup', parameter: 'StartBackup', processId: P }]);

  // Then only John may start signing; it waits (Idled) in his inbox.
  assert.deepEqual(await commandsFor(h, 'John'), ['StartSigning']);
  assert.deepEqual(await commandsFor(h, 'Margo'), []);
  assert.deepEqual(await inboxOf(h, 'John'), ['StartSigning']);
  let info = (await h.call(`/workflowapi/getinstanceinfo/${P}`)).body.data;
  assert.equal(info.InstanceStatus, 2);

  // Margo may not start signing for John.
  const refused = await h.call(`/workflowapi/executecommand/${P}`, { command: 'StartSigning', identityId: 'Margo' });
  assert.equal(refused.body.success, false);
  assert.equal((await h.call(`/workflowapi/getinstanceinfo/${P}`)).body.data.ActivityName, 'VacationRequestCreated');
  const unknown = await h.call(`/workflowapi/executecommand/${P}`, { command: 'Fly', identityId: 'John' });
  assert.equal(unknown.body.error, 'The command Fly is not found!');

  // When John starts signing, the manager has it in her inbox and John in his outbox.
  h.clock.advance(60_000);
  const started = await h.call(`/workflowapi/executecommand/${P}`, {
    command: 'StartSigning',
    identityId: 'John',
    parameters: { Comment: 'two weeks in May' },
  });
  assert.equal(started.body.success, true, started.body.error ?? '');
  assert.equal(started.body.data.WasExecuted, true);
  assert.equal(started.body.data.ProcessInstance.ActivityName, 'ManagerSigning');
  assert.deepEqual(await inboxOf(h, 'John'), []);
  assert.deepEqual(await inboxOf(h, 'Margo'), ['Approve', 'Reject']);
  assert.deepEqual(await outboxOf(h, 'John'), ['StartSigning']);

  // Margo approves: 150 > 100 sends it to the Big Boss role.
  h.clock.advance(60_000);
  await h.call(`/workflowapi/executecommand/${P}`, { command: 'Approve', identityId: 'Margo' });
  assert.equal((await h.call(`/workflowapi/getinstanceinfo/${P}`)).body.data.StateName, 'BigBossSigning');
  assert.deepEqual(await commandsFor(h, ids.boss), ['Approve', 'Reject']);
  assert.deepEqual(await commandsFor(h, 'Margo'), []);
  assert.deepEqual(await inboxOf(h, ids.boss), ['Approve', 'Reject']);

  // The boss approves, the accountant pays: the request is Finalized.
  h.clock.advance(60_000);
  await h.call(`/workflowapi/executecommand/${P}`, { command: 'Approve', identityId: ids.boss });
  assert.deepEqual(await inboxOf(h, ids.accountant), ['Paid', 'Reject']);
  h.clock.advance(60_000);
  const paid = await h.call(`/workflowapi/executecommand/${P}`, { command: 'Paid', identityId: ids.accountant });
  assert.equal(paid.body.data.ProcessInstance.InstanceStatus, 3);
  assert.deepEqual(await inboxOf(h, ids.accountant), []);
  assert.deepEqual(await outboxOf(h, ids.accountant), ['Paid']);
  assert.deepEqual(h.callbacks.actions.map((a) => a.parameter), ['StartBackup', 'FinalBackup']);

  // History in getinstanceinfo names every step, in order, with who did it.
  info = (await h.call(`/workflowapi/getinstanceinfo/${P}`)).body.data;
  assert.equal(info.InstanceStatus, 3);
  assert.equal(info.StateName, 'RequestApproved');
  assert.deepEqual(
    info.History.map((row: { Command: string; InitialState: string; DestinationState: string; IdentityId: string }) => [
      row.Command,
      row.InitialState,
      row.DestinationState,
      row.IdentityId,
    ]),
    [
      ['StartSigning', 'VacationRequestCreated', 'ManagerSigning', 'John'],
      ['Approve', 'ManagerSigning', 'BigBossSigning', 'Margo'],
      ['Approve', 'BigBossSigning', 'AccountingReview', ids.boss],
      ['Paid', 'AccountingReview', 'RequestApproved', ids.accountant],
    ],
  );
  assert.equal(info.Transitions.length, 4);
  assert.equal(info.Transitions[0].TransitionClassifier, 'Direct');
  assert.equal(info.Transitions[0].TransitionTime, '2026-03-02T09:01:00.000Z');
  assert.equal(info.Transitions[3].IsFinalised, true);
});

test('VacationRequest: localized commands and states to set', async (t) => {
  const h = await startHarness(t);
  await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });
  await h.call(`/workflowapi/createinstance/${P}`, { schemeCode: 'VacationRequest' });
  const commands = (await h.call(`/workflowapi/getavailablecommands/${P}`, { identityId: 'John', culture: 'en-US' })).body.data;
  assert.equal(commands[0].CommandName, 'StartSigning');
  assert.equal(commands[0].LocalizedName, 'Start signing');
  assert.equal(commands[0].ValidForStateName, 'VacationRequestCreated');
  assert.deepEqual(commands[0].Parameters[0], {
    ParameterName: 'Comment',
    LocalizedName: 'Comment',
    TypeName: 'String',
    IsRequired: false,
    DefaultValue: '',
  });
  const states = (await h.call(`/workflowapi/getavailablestatetoset/${P}`)).body.data;
  assert.deepEqual(states[1], { Name: 'ManagerSigning', VisibleName: 'Manager signing', SchemeCode: 'VacationRequest' });
  assert.equal(states.length, 5);
});
