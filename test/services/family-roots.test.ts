/**
 * WorkflowService remembers the family root of instance ids, so a command takes its family's
 * lock without reading the instance first. On the configured store (SQLite, or PostgreSQL with
 * WAYMARK_TEST_STORE=postgres); "another node" is a second service over the same store.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { storeFactoryFromEnvironment } from '../support/postgres.js';
import { ManualClock, WorkflowService, type StepMessages } from '../../src/services/index.js';
import { isWaymarkError } from '../../src/errors/index.js';
import type { Store } from '../../src/store/index.js';
import type { KeyedMutex } from '../../src/services/keyed-mutex.js';

const actor = { identityId: 'tester', impersonatedIdentityId: null };

/** Waiting —`Poke`→ Waiting. */
const LOOP_XML = `<Process Name="Loop">
  <Commands><Command Name="Poke" /></Commands>
  <Activities>
    <Activity Name="Waiting" State="Waiting" IsInitial="True" IsFinal="False" IsForSetState="True" IsAutoSchemeUpdate="True" />
  </Activities>
  <Transitions>
    <Transition Name="Waiting_Waiting" To="Waiting" From="Waiting" Classifier="NotSpecified">
      <Triggers><Trigger Type="Command" NameRef="Poke" /></Triggers>
      <Conditions><Condition Type="Always" /></Conditions>
    </Transition>
  </Transitions>
</Process>`;

/** The root forks a subprocess that waits in `Branch` (—`Poke`→ Branch); the root waits in `Waiting`. */
const FORK_XML = `<Process Name="Fork">
  <Commands><Command Name="Poke" /></Commands>
  <Activities>
    <Activity Name="Start" State="Start" IsInitial="True" IsFinal="False" IsForSetState="True" IsAutoSchemeUpdate="True" />
    <Activity Name="Waiting" State="Waiting" IsInitial="False" IsFinal="False" IsForSetState="True" IsAutoSchemeUpdate="True" />
    <Activity Name="Branch" State="Branch" IsInitial="False" IsFinal="False" IsForSetState="True" IsAutoSchemeUpdate="True" />
  </Activities>
  <Transitions>
    <Transition Name="Start_Branch" To="Branch" From="Start" Classifier="NotSpecified" DisableParentStateControl="true" IsFork="true" SubprocessInOutDefinition="Start" SubprocessStartupType="AnotherThread" SubprocessStartupParameterCopyStrategy="CopyAll">
      <Triggers><Trigger Type="Auto" /></Triggers>
      <Conditions><Condition Type="Always" /></Conditions>
    </Transition>
    <Transition Name="Start_Waiting" To="Waiting" From="Start" Classifier="NotSpecified">
      <Triggers><Trigger Type="Auto" /></Triggers>
      <Conditions><Condition Type="Always" /></Conditions>
    </Transition>
    <Transition Name="Branch_Branch" To="Branch" From="Branch" Classifier="NotSpecified">
      <Triggers><Trigger Type="Command" NameRef="Poke" /></Triggers>
      <Conditions><Condition Type="Always" /></Conditions>
    </Transition>
  </Transitions>
</Process>`;

/** Counts the instance and family reads, and notes the ids the families were read by. */
function countingStore(store: Store) {
  const reads = { getInstance: 0, loadFamily: 0 };
  const familyReadIds: unknown[] = [];
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (property !== 'getInstance' && property !== 'loadFamily') return method;
      return (...args: unknown[]) => {
        reads[property] += 1;
        if (property === 'loadFamily') familyReadIds.push(args[0]);
        return method(...args);
      };
    },
  });
  const take = () => {
    const taken = { ...reads };
    reads.getInstance = 0;
    reads.loadFamily = 0;
    return taken;
  };
  return { store: proxy, take, familyReadIds };
}

/**
 * Step messages that note, for each stored step, its family and the families whose lock was held
 * at that moment (read from the service's family locks).
 */
function recordingOutbox() {
  const steps: { family: string; runningFor: string[] }[] = [];
  let locks: KeyedMutex | undefined;
  const stepMessages: StepMessages = {
    async messagesFor(step) {
      steps.push({ family: step.instances[0]?.rootProcessId ?? '?', runningFor: locks?.heldKeys() ?? [] });
      return step.messages;
    },
  };
  return { stepMessages, steps, watch: (service: WorkflowService) => void (locks = service['familyLocks']) };
}

async function setUp(t: TestContext, options: { rootIdCacheLimit?: number } = {}) {
  const raw = await storeFactoryFromEnvironment().open(t);
  t.after(() => raw.close());
  const clock = new ManualClock('2026-03-02T08:00:00.000Z');
  const counting = countingStore(raw);
  const recording = recordingOutbox();
  const service = new WorkflowService({ store: counting.store, clock, stepMessages: recording.stepMessages, ...options });
  recording.watch(service);
  /** Another node on the same database; the ids of the subprocesses it forks are queued in `subprocessIds`. */
  const subprocessIds: string[] = [];
  const otherNode = new WorkflowService({ store: raw, clock, newId: () => subprocessIds.shift() ?? randomUUID() });
  for (const xml of [LOOP_XML, FORK_XML]) await service.saveScheme({ xml });
  return { raw, service, otherNode, subprocessIds, reads: counting.take, familyReadIds: counting.familyReadIds, steps: recording.steps };
}

const poke = (service: WorkflowService, processId: string, tenantId?: string) =>
  service.executeCommand({ processId, command: 'Poke', actor, parameters: [], ...(tenantId === undefined ? {} : { scope: { tenantId } }) });

async function pokes(store: Store, processId: string): Promise<number> {
  return (await store.getHistory(processId)).filter((record) => record.triggerName === 'Poke').length;
}

describe('WorkflowService: remembered family roots', () => {
  it('a command on an instance this node created or stepped reads its family once and not the instance first', async (t) => {
    const { raw, service, reads } = await setUp(t);
    await service.createInstance({ processId: 'loop-1', schemeCode: 'Loop', actor, parameters: [] });
    reads();
    assert.equal((await poke(service, 'loop-1')).wasExecuted, true);
    assert.deepEqual(reads(), { getInstance: 0, loadFamily: 1 });

    // A node that has not seen the instance (another node, or after a restart) reads it once to learn the root.
    const fresh = countingStore(raw);
    const otherService = new WorkflowService({ store: fresh.store });
    await poke(otherService, 'loop-1');
    assert.deepEqual(fresh.take(), { getInstance: 1, loadFamily: 1 });
    await poke(otherService, 'loop-1');
    assert.deepEqual(fresh.take(), { getInstance: 0, loadFamily: 1 });
    assert.equal(await pokes(raw, 'loop-1'), 3);
  });

  it('a subprocess id is remembered with its root: the command runs under the root family', async (t) => {
    const { raw, service, reads, familyReadIds, steps } = await setUp(t);
    await service.createInstance({ processId: 'fork-1', schemeCode: 'Fork', actor, parameters: [] });
    const [root, subprocess] = await raw.getProcessFamily('fork-1');
    assert.equal(root?.activityName, 'Waiting');
    assert.equal(subprocess?.activityName, 'Branch');
    reads();
    steps.length = 0;
    familyReadIds.length = 0;
    await poke(service, subprocess!.id);
    assert.deepEqual(reads(), { getInstance: 0, loadFamily: 1 });
    assert.deepEqual(familyReadIds, ['fork-1'], "the family is read by its root's id (one statement; a subprocess's id takes two)");
    assert.deepEqual(steps, [{ family: 'fork-1', runningFor: ['fork-1'] }]);
  });

  it('an id deleted on another node and created again in another family: the command runs under that family, not the remembered one', async (t) => {
    const { raw, service, otherNode, subprocessIds, reads, steps } = await setUp(t);
    await service.createInstance({ processId: 'reused', schemeCode: 'Loop', actor, parameters: [] });
    await poke(service, 'reused');

    await otherNode.deleteInstances(['reused']);
    subprocessIds.push('reused');
    await otherNode.createInstance({ processId: 'fork-2', schemeCode: 'Fork', actor, parameters: [] });
    assert.equal((await raw.getInstance('reused'))?.rootProcessId, 'fork-2', 'now a subprocess of fork-2');

    reads();
    steps.length = 0;
    assert.equal((await poke(service, 'reused')).instance.activityName, 'Branch');
    assert.deepEqual(reads(), { getInstance: 1, loadFamily: 2 }, 'the family read under the old root is not used; the instance is read and its family again');
    assert.deepEqual(steps, [{ family: 'fork-2', runningFor: ['fork-2'] }], 'the step was made under fork-2, not under the remembered root');
    await poke(service, 'reused');
    assert.deepEqual(reads(), { getInstance: 0, loadFamily: 1 }, 'the new root is remembered');
    assert.equal(await pokes(raw, 'reused'), 2);
  });

  it('a remembered subprocess whose family is gone and whose id is now a root of its own is handled the same way', async (t) => {
    const { raw, service, otherNode, reads, steps } = await setUp(t);
    await service.createInstance({ processId: 'fork-3', schemeCode: 'Fork', actor, parameters: [] });
    const subprocessId = (await raw.getProcessFamily('fork-3'))[1]!.id;
    await otherNode.deleteInstances(['fork-3']);
    await otherNode.createInstance({ processId: subprocessId, schemeCode: 'Loop', actor, parameters: [] });
    reads();
    steps.length = 0;
    assert.equal((await poke(service, subprocessId)).instance.activityName, 'Waiting');
    assert.deepEqual(steps, [{ family: subprocessId, runningFor: [subprocessId] }]);
    assert.deepEqual(reads(), { getInstance: 1, loadFamily: 2 });
  });

  it('an instance this node deleted is forgotten: its id created again elsewhere costs no wasted family read', async (t) => {
    const { service, otherNode, subprocessIds, reads } = await setUp(t);
    await service.createInstance({ processId: 'deleted-here', schemeCode: 'Loop', actor, parameters: [] });
    assert.deepEqual(await service.deleteInstances(['deleted-here']), { deleted: ['deleted-here'], missing: [] });
    subprocessIds.push('deleted-here');
    await otherNode.createInstance({ processId: 'fork-4', schemeCode: 'Fork', actor, parameters: [] });
    reads();
    await poke(service, 'deleted-here');
    assert.deepEqual(reads(), { getInstance: 1, loadFamily: 1 });
  });

  it('a gone instance is still WM_INSTANCE_NOT_FOUND', async (t) => {
    const { service, otherNode } = await setUp(t);
    await service.createInstance({ processId: 'gone', schemeCode: 'Loop', actor, parameters: [] });
    await otherNode.deleteInstances(['gone']);
    await assert.rejects(poke(service, 'gone'), (error) => isWaymarkError(error, 'WM_INSTANCE_NOT_FOUND'));
    await assert.rejects(poke(service, 'never-was'), (error) => isWaymarkError(error, 'WM_INSTANCE_NOT_FOUND'));
  });

  it('tenant scope is checked on the instance as loaded: an id created again for another tenant is refused to the first', async (t) => {
    const { raw, service, otherNode, reads } = await setUp(t);
    await service.createInstance({ processId: 'tenanted', schemeCode: 'Loop', actor, parameters: [], tenantId: 'acme' });
    await poke(service, 'tenanted', 'acme');
    await assert.rejects(poke(service, 'tenanted', 'globex'), (error) => isWaymarkError(error, 'WM_TENANT_MISMATCH'));

    await otherNode.deleteInstances(['tenanted']);
    await otherNode.createInstance({ processId: 'tenanted', schemeCode: 'Loop', actor, parameters: [], tenantId: 'globex' });
    reads();
    await assert.rejects(poke(service, 'tenanted', 'acme'), (error) => isWaymarkError(error, 'WM_TENANT_MISMATCH'));
    assert.deepEqual(reads(), { getInstance: 0, loadFamily: 1 }, 'refused on the family read under the remembered root');
    await assert.rejects(
      service.setParameter('tenanted', 'Note', 'from acme', { tenantId: 'acme' }),
      (error) => isWaymarkError(error, 'WM_TENANT_MISMATCH'),
    );
    assert.equal(await pokes(raw, 'tenanted'), 0, 'nothing was stored for acme');
    assert.equal((await poke(service, 'tenanted', 'globex')).wasExecuted, true);
    assert.equal((await poke(service, 'tenanted')).wasExecuted, true, 'a call without a tenant reaches every tenant, as before');
  });

  it('only the most recently stepped ids are remembered (the limit)', async (t) => {
    const { service, reads } = await setUp(t, { rootIdCacheLimit: 2 });
    for (const id of ['a', 'b', 'c']) await service.createInstance({ processId: id, schemeCode: 'Loop', actor, parameters: [] });
    reads();
    await poke(service, 'a');
    assert.deepEqual(reads(), { getInstance: 1, loadFamily: 1 }, 'a was the oldest of three: forgotten');
    await poke(service, 'a');
    await poke(service, 'c');
    assert.deepEqual(reads(), { getInstance: 0, loadFamily: 2 }, 'a (just stepped) and c are remembered');
    await poke(service, 'b');
    assert.deepEqual(reads(), { getInstance: 1, loadFamily: 1 });
  });
});
