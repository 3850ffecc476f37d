/**
 * WorkflowService.fireTimers: a claimed batch of due timers fired together, on the configured
 * store (SQLite, or PostgreSQL with WAYMARK_TEST_STORE=postgres), with a manual clock.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { storeFactoryFromEnvironment } from '../support/postgres.js';
import { ManualClock, WorkflowService, type TimerOutcome } from '../../src/services/index.js';
import type { Store } from '../../src/store/index.js';
import type { ArmedTimer } from '../../src/engine/index.js';
import { processXml } from '../support/scheme-xml.js';

const MINUTE = 60_000;
const actor = { identityId: 'tester', impersonatedIdentityId: null };

/** Waiting —timer `Due` (1 minute)→ Done; Waiting —`Poke`→ Waiting; Waiting —`Leave`→ Elsewhere. */
function simpleTimerXml(notOverride: boolean): string {
  return processXml({
    code: notOverride ? 'KeptTimer' : 'SimpleTimer',
    commands: ['Poke', 'Leave'],
    timers: [{ name: 'Due', type: 'Interval', value: '1minute', notOverride }],
    activities: [{ name: 'Waiting', initial: true }, { name: 'Done', final: true }, { name: 'Elsewhere' }],
    transitions: [
      { from: 'Waiting', to: 'Done', trigger: { timer: 'Due' } },
      { from: 'Waiting', to: 'Waiting', trigger: { command: 'Poke' }, classifier: 'NotSpecified' },
      { from: 'Waiting', to: 'Elsewhere', trigger: { command: 'Leave' } },
    ],
  });
}

/**
 * The root forks a subprocess and waits: the root's timer `RootDue` (Waiting → Reminded) and the
 * subprocess's timer `SubDue` (Branch → BranchDone) fall due at the same moment.
 */
const FORK_TIMERS_XML = processXml({
  code: 'ForkTimers',
  timers: [
    { name: 'RootDue', type: 'Interval', value: '1minute' },
    { name: 'SubDue', type: 'Interval', value: '1minute' },
  ],
  activities: [{ name: 'Start', initial: true }, { name: 'Waiting' }, { name: 'Reminded' }, { name: 'Branch' }, { name: 'BranchDone' }],
  transitions: [
    {
      from: 'Start',
      to: 'Branch',
      trigger: 'Auto',
      classifier: 'NotSpecified',
      attributes: 'DisableParentStateControl="true" IsFork="true" SubprocessInOutDefinition="Start" SubprocessStartupType="AnotherThread" SubprocessStartupParameterCopyStrategy="CopyAll"',
    },
    { from: 'Start', to: 'Waiting', trigger: 'Auto', classifier: 'NotSpecified' },
    { from: 'Waiting', to: 'Reminded', trigger: { timer: 'RootDue' } },
    { from: 'Branch', to: 'BranchDone', trigger: { timer: 'SubDue' } },
  ],
});

/** Counts calls per store method, and lets a test act inside chosen ones. */
function watchedStore(store: Store, hooks: { afterLoadFamilies?: () => Promise<void> } = {}) {
  const calls = new Map<string, number>();
  const rejected: unknown[] = [];
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
      return async (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        try {
          const result = await method(...args);
          if (property === 'loadFamilies' && hooks.afterLoadFamilies) await hooks.afterLoadFamilies();
          return result;
        } catch (error) {
          if (property === 'applyStep') rejected.push(error);
          throw error;
        }
      };
    },
  });
  return { store: proxy, calls, rejected };
}

async function setUp(t: TestContext, hooks?: { afterLoadFamilies?: () => Promise<void> }) {
  const raw = await storeFactoryFromEnvironment().open(t);
  t.after(() => raw.close());
  const clock = new ManualClock('2026-03-02T08:00:00.000Z');
  const watched = watchedStore(raw, hooks);
  let n = 0;
  const service = new WorkflowService({ store: watched.store, clock, newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` });
  /** Another node on the same database: its own service, its own family locks. */
  const otherNode = new WorkflowService({ store: raw, clock });
  for (const xml of [simpleTimerXml(false), simpleTimerXml(true), FORK_TIMERS_XML]) await service.saveScheme({ xml });
  return { raw, clock, service, otherNode, ...watched };
}

async function create(service: WorkflowService, schemeCode: string, ids: readonly string[]): Promise<void> {
  for (const processId of ids) await service.createInstance({ processId, schemeCode, actor, parameters: [] });
}

async function claimAll(store: Store, clock: ManualClock): Promise<readonly ArmedTimer[]> {
  const now = clock.now();
  return store.claimDueTimers(now, new Date(now.getTime() + MINUTE), 1000);
}

async function timerTransitions(store: Store, processId: string): Promise<string[]> {
  return (await store.getHistory(processId)).filter((r) => r.triggerType === 'Timer').map((r) => r.triggerName ?? '');
}

function byProcess(timers: readonly ArmedTimer[], outcomes: readonly TimerOutcome[]): Record<string, TimerOutcome> {
  return Object.fromEntries(timers.map((timer, index) => [`${timer.processId}/${timer.name}`, outcomes[index]!]));
}

describe('WorkflowService.fireTimers', () => {
  it('fires every timer of a batch once — subprocess timers and two timers of one family included — reading the families together', async (t) => {
    const { raw, clock, service, calls } = await setUp(t);
    await create(service, 'SimpleTimer', ['s-1', 's-2', 's-3']);
    await create(service, 'ForkTimers', ['f-1', 'f-2']);
    clock.advance(MINUTE);
    const claimed = await claimAll(raw, clock);
    assert.equal(claimed.length, 3 + 2 * 2, 'a root timer and a subprocess timer per fork family');
    calls.clear();

    const outcomes = await service.fireTimers(claimed);
    assert.deepEqual(outcomes, claimed.map(() => ({ fired: true })));
    for (const id of ['s-1', 's-2', 's-3']) {
      assert.deepEqual(await timerTransitions(raw, id), ['Due'], `${id} fired once`);
      assert.equal((await raw.getInstance(id))?.activityName, 'Done');
    }
    for (const root of ['f-1', 'f-2']) {
      const family = await raw.getProcessFamily(root);
      assert.equal(family.length, 2);
      assert.equal(family[0]?.activityName, 'Reminded');
      assert.equal(family[1]?.activityName, 'BranchDone');
      assert.deepEqual(await timerTransitions(raw, family[0]!.id), ['RootDue']);
      assert.deepEqual(await timerTransitions(raw, family[1]!.id), ['SubDue']);
    }
    assert.equal((await raw.getDueTimers(clock.now(), 100)).length, 0, 'no timer left');
    assert.equal(calls.get('loadFamilies'), 1, 'the batch read its families in one call');
    assert.equal(calls.get('loadFamily') ?? 0, 2, 'only the second timer of each fork family read its family again (after the first stored)');

    // The same claims handed over again (a stale claim): nothing is armed for them any more.
    assert.deepEqual(await service.fireTimers(claimed), claimed.map(() => ({ fired: false })));
    assert.deepEqual(await timerTransitions(raw, 's-1'), ['Due'], 'still fired once');
  });

  it('a timer whose instance left the activity after the claim is not fired; one whose instance is gone reports WM_INSTANCE_NOT_FOUND', async (t) => {
    const { raw, clock, service } = await setUp(t);
    await create(service, 'SimpleTimer', ['s-1', 's-2', 's-3']);
    clock.advance(MINUTE);
    const claimed = await claimAll(raw, clock);
    await service.executeCommand({ processId: 's-2', command: 'Leave', actor, parameters: [] });
    await service.deleteInstances(['s-3']);

    const outcomes = byProcess(claimed, await service.fireTimers(claimed));
    assert.deepEqual(outcomes['s-1/Due'], { fired: true });
    assert.deepEqual(outcomes['s-2/Due'], { fired: false }, 'left the activity');
    const gone = outcomes['s-3/Due'];
    assert.ok(gone && 'error' in gone);
    assert.equal((gone.error as { code?: string }).code, 'WM_INSTANCE_NOT_FOUND');
    assert.equal((await raw.getInstance('s-2'))?.activityName, 'Elsewhere');
    assert.deepEqual(await timerTransitions(raw, 's-2'), []);
  });

  it('a command from another node between the batch read and its steps fails only that timer\'s step; it fires once from a fresh read', async (t) => {
    let poke: (() => Promise<void>) | null = null;
    const { raw, clock, service, otherNode, rejected } = await setUp(t, {
      afterLoadFamilies: async () => {
        const once = poke;
        poke = null;
        await once?.();
      },
    });
    await create(service, 'KeptTimer', ['k-1', 'k-2', 'k-3']);
    clock.advance(MINUTE);
    const claimed = await claimAll(raw, clock);
    // Poke re-enters Waiting; NotOverrideIfExists keeps the armed due time, so the timer is still due.
    poke = async () => {
      await otherNode.executeCommand({ processId: 'k-2', command: 'Poke', actor, parameters: [] });
    };

    const outcomes = await service.fireTimers(claimed);
    assert.deepEqual(outcomes, claimed.map(() => ({ fired: true })));
    assert.deepEqual(rejected.map((error) => (error as { code?: string }).code), ['WM_INSTANCE_CONFLICT'], 'exactly one step lost to the command');
    for (const id of ['k-1', 'k-2', 'k-3']) {
      assert.deepEqual(await timerTransitions(raw, id), ['Due'], `${id} fired once`);
      assert.equal((await raw.getInstance(id))?.activityName, 'Done');
    }
    const history = (await raw.getHistory('k-2')).map((r) => `${r.triggerType}:${r.triggerName}`);
    assert.deepEqual(history.slice(-2), ['Command:Poke', 'Timer:Due'], 'the command first, then the timer');
  });

  it('a command from another node that re-armed the timer for later: the claimed timer is not fired early', async (t) => {
    let poke: (() => Promise<void>) | null = null;
    const { raw, clock, service, otherNode, rejected } = await setUp(t, {
      afterLoadFamilies: async () => {
        const once = poke;
        poke = null;
        await once?.();
      },
    });
    await create(service, 'SimpleTimer', ['s-1', 's-2']);
    clock.advance(MINUTE);
    const claimed = await claimAll(raw, clock);
    // Without NotOverrideIfExists, re-entering Waiting re-arms `Due` a minute from now.
    poke = async () => {
      await otherNode.executeCommand({ processId: 's-2', command: 'Poke', actor, parameters: [] });
    };

    const outcomes = byProcess(claimed, await service.fireTimers(claimed));
    assert.deepEqual(outcomes['s-1/Due'], { fired: true });
    assert.deepEqual(outcomes['s-2/Due'], { fired: false }, 'the claimed timer no longer exists');
    assert.equal(rejected.length, 1);
    assert.deepEqual(await timerTransitions(raw, 's-2'), []);
    assert.deepEqual((await raw.getTimers('s-2')).map((timer) => timer.dueAt), ['2026-03-02T08:02:00.000Z'], 're-armed, still to fire');
  });
});
