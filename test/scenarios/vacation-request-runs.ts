/**
 * VacationRequest.xml driven through the engine: who sees which command, after every step. John
 * is the author, Margo the manager; "Big Boss" and "Accountant" are roles. JsonBackup is a
 * callback-server action, faked here. Run on the project's fixture (`vacation-request.test.ts`)
 * and on the vendor's sample (`npm run test:vendor-schemes`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isWaymarkError } from '../../src/errors/index.js';
import {
  createInstance,
  executeCommand,
  fireTimer,
  getAvailableCommands,
  InstanceStatus,
  type EngineContext,
  type JsonValue,
  type ProcessFamily,
} from '../../src/engine/index.js';
import { loadScheme, type CompiledScheme } from '../../src/scheme/index.js';
import { applyStep, at, context, fakeExternal, inboxOf, route, user } from '../support/engine-kit.js';
import type { SchemeFolder } from '../support/scheme-fixtures.js';

const roles = { 'Big Boss': ['bigboss'], Accountant: ['alice', 'andy'] };
const monday = new Date('2026-05-04T09:00:00.000Z');

/** A request by John for `sum`, with a fresh fake callback server recording backups. */
async function request(scheme: CompiledScheme, sum?: number) {
  const backups: string[] = [];
  const external = fakeExternal({ actions: { JsonBackup: (parameter) => void backups.push(parameter ?? '') } });
  const ctx = context(scheme, { now: monday, roles, external });
  const parameters: { name: string; value: JsonValue }[] = sum === undefined ? [] : [{ name: 'Sum', value: sum }];
  const step = await createInstance(ctx, scheme, { processId: 'vr-1', schemeId: 'vr-v1', schemeVersion: 1, tenantId: null, actor: user('John'), parameters });
  return { ctx, backups, step, family: applyStep(null, step) };
}

/** Executes a command and returns the step and the family after it. */
async function run(ctx: EngineContext, family: ProcessFamily, identity: string, command: string, comment?: string) {
  const parameters = comment === undefined ? [] : [{ name: 'Comment', value: comment }];
  const { wasExecuted, step } = await executeCommand(ctx, family, { processId: 'vr-1', command, actor: user(identity), parameters });
  assert.equal(wasExecuted, true, `${identity} ${command} was executed`);
  return { step, family: applyStep(family, step), instance: step.instances[0]! };
}

async function refused(ctx: EngineContext, family: ProcessFamily, identity: string, command: string, code: string): Promise<void> {
  await assert.rejects(executeCommand(ctx, family, { processId: 'vr-1', command, actor: user(identity), parameters: [] }), (error: unknown) =>
    isWaymarkError(error) && error.code === code,
  );
}

/** Registers the engine runs of `schemes`' VacationRequest. */
export function describeVacationRequestRuns(schemes: SchemeFolder): void {
  const scheme = loadScheme({ xml: schemes.xml('VacationRequest') }, { fileActionsSandbox: false, callbackServerConfigured: true });

  describe(`${schemes.label}: VacationRequest`, () => {
    test('a new request waits for its author John, and JsonBackup ran StartBackup', async () => {
      const { step, backups } = await request(scheme);
      const created = step.instances[0]!;
      assert.equal(created.activityName, 'VacationRequestCreated');
      assert.equal(created.status, InstanceStatus.Idled);
      assert.deepEqual(created.parameters, { Author: 'John', Manager: 'Margo', Sum: 100 });
      assert.deepEqual(inboxOf(step, 'vr-1'), { John: ['StartSigning'] });
      assert.deepEqual(backups, ['StartBackup']);
    });

    test('only the author starts signing; then manager Margo sees Reject and Approve, and the escalation timer is armed', async () => {
      const { ctx, family } = await request(scheme);
      await refused(ctx, family, 'Margo', 'StartSigning', 'WM_COMMAND_NOT_ALLOWED');
      await refused(ctx, family, 'John', 'Approve', 'WM_COMMAND_NOT_AVAILABLE');

      const { step, instance } = await run(ctx, family, 'John', 'StartSigning', 'two weeks in June');
      assert.equal(instance.activityName, 'ManagerSigning');
      assert.deepEqual(instance.parameters, { Author: 'John', Manager: 'Margo', Sum: 100 }, 'the Temporary Comment is not stored');
      assert.deepEqual(inboxOf(step, 'vr-1'), { Margo: ['Reject', 'Approve'] });
      assert.deepEqual(step.outbox.map((o) => [o.identityId, o.commandName]), [['John', 'StartSigning']]);
      assert.deepEqual(step.timers.get('vr-1'), [{ processId: 'vr-1', name: 'SendToBigBoss', dueAt: '2026-05-04T09:10:00.000Z' }]);
      assert.deepEqual(
        step.history.map((r) => [r.fromActivityName, r.toActivityName, r.triggerName, r.classifier, r.identityId]),
        [['VacationRequestCreated', 'ManagerSigning', 'StartSigning', 'Direct', 'John']],
      );
    });

    test('Margo sees her commands localized; John sees none in ManagerSigning', async () => {
      const { ctx, family } = await request(scheme);
      const signing = (await run(ctx, family, 'John', 'StartSigning')).family;
      const margo = await getAvailableCommands(ctx, signing, { processId: 'vr-1', actor: user('Margo'), culture: 'en-US' });
      assert.deepEqual(
        margo.map((c) => [c.name, c.classifier, c.identities, c.parameters.map((p) => p.parameterName)]),
        [
          ['Reject', 'Reverse', ['Margo'], ['Comment']],
          ['Approve', 'Direct', ['Margo'], ['Comment']],
        ],
      );
      assert.deepEqual(await getAvailableCommands(ctx, signing, { processId: 'vr-1', actor: user('John') }), []);
      const john = await getAvailableCommands(ctx, family, { processId: 'vr-1', actor: user('John'), culture: 'en-US' });
      assert.equal(john[0]!.localizedName, 'Start signing');
    });

    test('Sum 100: Margo approves straight to the accountants, one pays, the request is approved with a final backup', async () => {
      const { ctx, family, backups } = await request(scheme);
      const signing = await run(ctx, family, 'John', 'StartSigning');
      await refused(ctx, signing.family, 'John', 'Approve', 'WM_COMMAND_NOT_ALLOWED');
      const review = await run(ctx, signing.family, 'Margo', 'Approve');
      assert.equal(review.instance.activityName, 'AccountingReview');
      assert.deepEqual(inboxOf(review.step, 'vr-1'), { alice: ['Paid', 'Reject'], andy: ['Paid', 'Reject'] });
      assert.deepEqual(review.step.timers.get('vr-1'), [], 'leaving ManagerSigning clears the escalation timer');
      assert.equal(review.step.history[0]!.transitionName, 'ManagerSigning_Approved_1', 'the Otherwise transition');

      await refused(ctx, review.family, 'Margo', 'Paid', 'WM_COMMAND_NOT_ALLOWED');
      const paid = await run(ctx, review.family, 'andy', 'Paid');
      assert.equal(paid.instance.activityName, 'RequestApproved');
      assert.equal(paid.instance.status, InstanceStatus.Finalized);
      assert.deepEqual(paid.step.inbox.get('vr-1'), []);
      assert.deepEqual(paid.step.outbox.map((o) => [o.identityId, o.commandName, o.activityName]), [['andy', 'Paid', 'AccountingReview']]);
      assert.deepEqual(backups, ['StartBackup', 'FinalBackup']);
      await refused(ctx, paid.family, 'andy', 'Paid', 'WM_INSTANCE_NOT_ACTIVE');
    });

    test('Sum 150: Margo’s approval routes to the Big Boss, who approves to the accountants', async () => {
      const { ctx, family } = await request(scheme, 150);
      const signing = await run(ctx, family, 'John', 'StartSigning');
      const boss = await run(ctx, signing.family, 'Margo', 'Approve');
      assert.equal(boss.instance.activityName, 'BigBossSigning');
      assert.deepEqual(inboxOf(boss.step, 'vr-1'), { bigboss: ['Approve', 'Reject'] });
      await refused(ctx, boss.family, 'Margo', 'Approve', 'WM_COMMAND_NOT_ALLOWED');
      const review = await run(ctx, boss.family, 'bigboss', 'Approve');
      assert.equal(review.instance.activityName, 'AccountingReview');
      assert.equal(review.instance.previousActivityForDirect, 'BigBossSigning');
    });

    test('reject paths: the Big Boss sends it back to Margo, Margo back to John (StartBackup runs again), the accountant back to Margo', async () => {
      const { ctx, family, backups } = await request(scheme, 150);
      const signing = await run(ctx, family, 'John', 'StartSigning');
      const boss = await run(ctx, signing.family, 'Margo', 'Approve');

      const backToManager = await run(ctx, boss.family, 'bigboss', 'Reject', 'too long');
      assert.equal(backToManager.instance.activityName, 'ManagerSigning');
      assert.equal(backToManager.instance.previousActivityForReverse, 'BigBossSigning');
      assert.deepEqual(inboxOf(backToManager.step, 'vr-1'), { Margo: ['Reject', 'Approve'] });

      const backToAuthor = await run(ctx, backToManager.family, 'Margo', 'Reject');
      assert.equal(backToAuthor.instance.activityName, 'VacationRequestCreated');
      assert.deepEqual(inboxOf(backToAuthor.step, 'vr-1'), { John: ['StartSigning'] });
      assert.deepEqual(backups, ['StartBackup', 'StartBackup']);

      const cheaper = { ...backToAuthor.family, instances: new Map([['vr-1', { ...backToAuthor.family.root, parameters: { ...backToAuthor.family.root.parameters, Sum: 80 } }]]) };
      const again = await run(ctx, cheaper, 'John', 'StartSigning');
      const review = await run(ctx, again.family, 'Margo', 'Approve');
      const backFromAccounting = await run(ctx, review.family, 'alice', 'Reject');
      assert.equal(backFromAccounting.instance.activityName, 'ManagerSigning');
      assert.deepEqual(
        route(backFromAccounting.step),
        ['AccountingReview → ManagerSigning'],
      );
      assert.deepEqual(inboxOf(backFromAccounting.step, 'vr-1'), { Margo: ['Reject', 'Approve'] });
    });

    test('when Margo does not act within 10 minutes, the SendToBigBoss timer moves the request to the Big Boss', async () => {
      const { ctx, family } = await request(scheme);
      const signing = await run(ctx, family, 'John', 'StartSigning');
      const tenMinutesLater = at(ctx, new Date('2026-05-04T09:10:00.000Z'));
      const { fired, step } = await fireTimer(tenMinutesLater, signing.family, { processId: 'vr-1', timerName: 'SendToBigBoss' });
      assert.equal(fired, true);
      assert.equal(step.instances[0]!.activityName, 'BigBossSigning');
      assert.deepEqual(inboxOf(step, 'vr-1'), { bigboss: ['Approve', 'Reject'] });
      assert.deepEqual(
        step.history.map((r) => [r.triggerType, r.triggerName, r.identityId]),
        [['Timer', 'SendToBigBoss', null]],
      );
    });

    test('without a callback server, JsonBackup fails and the new request is in Error with the reason recorded', async () => {
      const ctx = context(scheme, { now: monday, roles });
      const step = await createInstance(ctx, scheme, { processId: 'vr-1', schemeId: 'vr-v1', schemeVersion: 1, tenantId: null, actor: user('John'), parameters: [] });
      assert.equal(step.instances[0]!.status, InstanceStatus.Error);
      assert.match(step.instances[0]!.errorMessage!, /^Action JsonBackup failed: WM_EXTERNAL_UNAVAILABLE/);
      assert.deepEqual(step.inbox.get('vr-1'), []);
    });
  });
}
