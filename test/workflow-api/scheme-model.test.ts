/** `getschememodel`: a scheme as the vendor's JSON scheme model. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureXml, ids, startHarness } from './harness.js';

interface Named {
  Name: string;
}

test('getschememodel answers the latest version of a scheme as the vendor\'s JSON model', async (t) => {
  const h = await startHarness(t);
  const stored = await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });

  // When a client asks for the model by code (in the URL, in any letter case of the operation).
  const { body } = await h.call('/workflowapi/GetSchemeModel/VacationRequest');
  assert.equal(body.success, true, JSON.stringify(body));
  const model = body.data;

  // Then the scheme's parts are there under the vendor's names.
  assert.deepEqual([model.Id, model.Name, model.LogEnabled, model.IsObsolete, model.Tags], [stored.id, 'VacationRequest', true, false, []]);
  assert.deepEqual(model.Actors.find((actor: Named) => actor.Name === 'BigBoss'), {
    Name: 'BigBoss',
    DesignerSettings: {},
    OriginalName: 'BigBoss',
    OriginalSchemeCode: null,
    WasInlined: false,
    Rule: 'InRole',
    Value: 'Big Boss',
    IsPredefined: false,
  });
  // Initial values and defaults are text, as the vendor writes them.
  assert.deepEqual(
    model.Parameters.map((p: { Name: string; Type: string; Purpose: string; InitialValue: string | null }) => [p.Name, p.Type, p.Purpose, p.InitialValue]),
    [['Comment', 'String', 'Temporary', null], ['Author', 'String', 'Persistence', 'John'], ['Manager', 'String', 'Persistence', 'Margo'], ['Sum', 'Int32', 'Persistence', '100']],
  );
  const startSigning = model.Commands.find((command: Named) => command.Name === 'StartSigning');
  assert.deepEqual(startSigning.InputParameters.map((input: { Name: string; IsRequired: boolean; Parameter: Named }) => [input.Name, input.IsRequired, input.Parameter.Name]), [
    ['Comment', false, 'Comment'],
  ]);
  assert.deepEqual(model.Timers.map((timer: { Name: string; Type: string; Value: string }) => [timer.Name, timer.Type, timer.Value]), [['SendToBigBoss', 'Interval', '10minutes']]);

  const created = model.Activities.find((activity: Named) => activity.Name === 'VacationRequestCreated');
  assert.deepEqual(
    [created.State, created.IsInitial, created.IsFinal, created.IsForSetState, created.IsState, created.HaveImplementation, created.Implementation],
    ['VacationRequestCreated', true, false, true, true, true, [{ ActionName: 'JsonBackup', Order: 1, ActionParameter: 'StartBackup' }]],
  );

  // A transition names its activities, trigger and actors as whole objects, as the vendor's model does.
  const toBigBoss = model.Transitions.find((transition: Named) => transition.Name === 'ManagerSigning_BigBossSigning_1');
  assert.deepEqual([toBigBoss.From.Name, toBigBoss.To.Name, toBigBoss.Classifier], ['ManagerSigning', 'BigBossSigning', 'Direct']);
  assert.deepEqual([toBigBoss.Trigger.Type, toBigBoss.Trigger.Command.Name, toBigBoss.Trigger.Timer], ['Command', 'Approve', null]);
  assert.deepEqual(toBigBoss.Conditions, [{ Type: 'Expression', Action: null, Expression: '@Sum > 100', ResultOnPreExecution: null, ConditionInversion: false }]);
  assert.deepEqual(toBigBoss.Restrictions.map((r: { Type: string; Actor: { Name: string; Rule: string } }) => [r.Type, r.Actor.Name, r.Actor.Rule]), [['Allow', 'Manager', 'isUser']]);
  assert.deepEqual([toBigBoss.IsConditionTransition, toBigBoss.IsAlwaysTransition, toBigBoss.IsOtherwiseTransition], [true, false, false]);
  const byTimer = model.Transitions.find((transition: Named) => transition.Name === 'ManagerSigning_BigBossSigning_2');
  assert.deepEqual([byTimer.Trigger.Type, byTimer.Trigger.Command, byTimer.Trigger.Timer?.Name], ['Timer', null, 'SendToBigBoss']);
  const approved = model.Transitions.find((transition: Named) => transition.Name === 'ManagerSigning_Approved_1');
  assert.equal(approved.IsOtherwiseTransition, true);
  assert.deepEqual(
    model.Localization.find((entry: { ObjectName: string; Type: string }) => entry.ObjectName === 'StartSigning' && entry.Type === 'Command'),
    { Name: 'StartSigning', DesignerSettings: {}, ObjectName: 'StartSigning', Value: 'Start signing', Type: 'Command', Culture: 'en-US', IsDefault: true },
  );
  assert.deepEqual([model.Comments, model.CodeActions, model.InlinedSchemes], [[], [], []]);
});

test('getschememodel of a process: the version it runs, obsolete once a newer one is saved', async (t) => {
  const h = await startHarness(t);
  const first = await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });
  await h.call(`/workflowapi/createinstance/${ids.process}`, { schemeCode: 'VacationRequest', tenantId: 'acme' });
  const second = await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });

  const ofProcess = await h.call(`/workflowapi/getschememodel?processId=${ids.process}`);
  assert.deepEqual([ofProcess.body.data.Id, ofProcess.body.data.IsObsolete], [first.id, true]);
  const latest = await h.call('/workflowapi/getschememodel', { schemeCode: 'VacationRequest' });
  assert.deepEqual([latest.body.data.Id, latest.body.data.IsObsolete], [second.id, false]);
  const byVersion = await h.call('/workflowapi/getschememodel/VacationRequest', { version: 1 });
  assert.equal(byVersion.body.data.Id, first.id);

  // Refusals: no scheme named, an unknown scheme, another tenant's process.
  assert.equal((await h.call('/workflowapi/getschememodel')).body.error, "Parameter 'schemecode' is required!");
  assert.equal((await h.call('/workflowapi/getschememodel/Nope')).body.code, 'WM_SCHEME_NOT_FOUND');
  assert.equal((await h.call('/workflowapi/getschememodel/VacationRequest', { version: 9 })).body.code, 'WM_SCHEME_NOT_FOUND');
  const otherTenant = await h.call('/workflowapi/getschememodel', { processId: ids.process, tenantId: 'globex' });
  assert.equal(otherTenant.body.code, 'WM_TENANT_MISMATCH');
});
