/**
 * Several real Waymark node processes on one PostgreSQL database: timers fire exactly once across
 * nodes, concurrent commands on one instance serialize, and a node killed while holding timer
 * leases is taken over by the others within the node timeout.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { InstanceStatus } from '../../src/engine/types.js';
import { ManualClock, WorkflowService } from '../../src/services/index.js';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { createDatabase } from '../support/postgres.js';

const NODE_PROCESS = fileURLToPath(new URL('./node-process.ts', import.meta.url));

const TIMER_SCHEME = `<Process Name="ClusterTimer" CanBeInlined="false" Tags="">
  <Timers><Timer Name="Wait" Type="Interval" Value="60000" NotOverrideIfExists="false" /></Timers>
  <Activities>
    <Activity Name="BeforeTimer" State="BeforeTimer" IsInitial="True" IsFinal="False" IsForSetState="True" IsAutoSchemeUpdate="True" />
    <Activity Name="AfterTimer" State="AfterTimer" IsInitial="False" IsFinal="True" IsForSetState="True" IsAutoSchemeUpdate="True" />
  </Activities>
  <Transitions>
    <Transition Name="Fire" To="AfterTimer" From="BeforeTimer" Classifier="Direct" AllowConcatenationType="And" RestrictConcatenationType="And" ConditionsConcatenationType="And" DisableParentStateControl="false">
      <Triggers><Trigger Type="Timer" NameRef="Wait" /></Triggers>
      <Conditions><Condition Type="Always" /></Conditions>
    </Transition>
  </Transitions>
</Process>`;

const FLIP_SCHEME = `<Process Name="ClusterFlip" CanBeInlined="false" Tags="">
  <Commands><Command Name="Flip" /></Commands>
  <Activities>
    <Activity Name="Ping" State="Ping" IsInitial="True" IsFinal="False" IsForSetState="True" IsAutoSchemeUpdate="True" />
    <Activity Name="Pong" State="Pong" IsInitial="False" IsFinal="False" IsForSetState="True" IsAutoSchemeUpdate="True" />
  </Activities>
  <Transitions>
    <Transition Name="PingPong" To="Pong" From="Ping" Classifier="Direct" AllowConcatenationType="And" RestrictConcatenationType="And" ConditionsConcatenationType="And" DisableParentStateControl="false">
      <Triggers><Trigger Type="Command" NameRef="Flip" /></Triggers>
      <Conditions><Condition Type="Always" /></Conditions>
    </Transition>
    <Transition Name="PongPing" To="Ping" From="Pong" Classifier="Direct" AllowConcatenationType="And" RestrictConcatenationType="And" ConditionsConcatenationType="And" DisableParentStateControl="false">
      <Triggers><Trigger Type="Command" NameRef="Flip" /></Triggers>
      <Conditions><Condition Type="Always" /></Conditions>
    </Transition>
  </Transitions>
</Process>`;

/**
 * Cleanups run last-registered first, so node processes stop before the connections close and
 * the database is dropped last.
 */
class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];
  constructor(t: TestContext) {
    t.after(async () => {
      for (const step of this.steps.splice(0).reverse()) await step();
    });
  }
  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }
}

interface RunningNode {
  readonly url: string;
  readonly nodeId: string;
  readonly child: ChildProcess;
}

/** Starts a node process on `databaseUrl`; stopped (SIGTERM) when the test ends unless killed before. */
async function startNode(cleanup: Cleanup, databaseUrl: string, nodeTimeoutMs: number): Promise<RunningNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', NODE_PROCESS], {
    env: { ...process.env, DATABASE_URL: databaseUrl, WAYMARK_NODE_TIMEOUT_MS: String(nodeTimeoutMs), WAYMARK_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanup.add(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    // Log lines (pino writes to stdout) may come first; the node's own line names its url.
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('{"url"')) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`node exited (${code}) before listening:\n${stderr}`)));
  });
  const { url, nodeId } = JSON.parse(firstLine) as { url: string; nodeId: string };
  return { url, nodeId, child };
}

async function callApi(node: RunningNode, operation: string, body: Record<string, unknown>): Promise<{ success: boolean; data: unknown; error: string | null; message: string | null; code?: string }> {
  const response = await fetch(`${node.url}/workflowapi/${operation}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { success: boolean; data: unknown; error: string | null; message: string | null; code?: string };
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now();
}

function processId(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

interface TestDatabase {
  readonly url: string;
  readonly store: Store;
  readonly admin: pg.Pool;
  readonly service: WorkflowService;
}

/** A fresh database with the two schemes. */
async function testDatabase(cleanup: Cleanup): Promise<TestDatabase> {
  const { url, drop } = await createDatabase();
  cleanup.add(drop);
  const store = await createPostgresStore({ url });
  cleanup.add(() => store.close());
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  cleanup.add(() => admin.end());
  // Instances are created "an hour ago": every timer fell due at the same past moment.
  const service = new WorkflowService({ store, clock: new ManualClock(new Date(Date.now() - 3600_000)) });
  await service.saveScheme({ xml: TIMER_SCHEME });
  await service.saveScheme({ xml: FLIP_SCHEME });
  return { url, store, admin, service };
}

/** Creates `count` timer instances whose timers are all due at one past moment. */
async function createDueTimers({ service, admin }: TestDatabase, count: number): Promise<void> {
  for (let start = 1; start <= count; start += 100) {
    await Promise.all(Array.from({ length: Math.min(100, count - start + 1) }, (_, i) =>
      service.createInstance({ processId: processId(start + i), schemeCode: 'ClusterTimer', actor: { identityId: null, impersonatedIdentityId: null }, parameters: [] })));
  }
  const due = await admin.query<{ due_at: string; count: string }>('select due_at, count(*) from timers group by due_at');
  assert.deepEqual(due.rows.map((r) => Number(r.count)), [count], 'all timers due at one moment');
}

/** Per instance, how many times its timer fired (history rows into AfterTimer). */
async function firings(admin: pg.Pool): Promise<Map<string, number>> {
  const rows = await admin.query<{ process_id: string; count: string }>(
    `select process_id, count(*) from history where to_activity_name = 'AfterTimer' group by process_id`,
  );
  return new Map(rows.rows.map((r) => [r.process_id, Number(r.count)]));
}

async function instancesAfterTimer(admin: pg.Pool): Promise<number> {
  const row = await admin.query<{ count: string }>(`select count(*) from instances where activity_name = 'AfterTimer'`);
  return Number(row.rows[0]!.count);
}

// These start up to three node processes per test: they form their own suite
// (`npm run test:cluster`, which CI runs after `npm test`) to keep `npm test` short.
describe('several nodes on one database', { timeout: 600_000 }, () => {
  for (const nodeCount of [2, 3]) {
    it(`${nodeCount} nodes: 1,000 timers due at one moment each fire exactly once`, async (t) => {
      const cleanup = new Cleanup(t);
      const db = await testDatabase(cleanup);
      const { url, admin } = db;
      await createDueTimers(db, 1000);
      await Promise.all(Array.from({ length: nodeCount }, () => startNode(cleanup, url, 5000)));
      await waitUntil('every timer to fire', 120_000, async () => (await instancesAfterTimer(admin)) === 1000);
      const fired = await firings(admin);
      assert.equal(fired.size, 1000);
      assert.deepEqual([...new Set(fired.values())], [1], 'each timer fired once');
      assert.equal(Number((await admin.query<{ count: string }>('select count(*) from timers')).rows[0]!.count), 0);
      const nodes = await admin.query<{ runtime_state: string }>('select runtime_state from nodes');
      assert.deepEqual(nodes.rows.map((r) => r.runtime_state), Array(nodeCount).fill('running'));
      // Every firing moved its instance to a final status on whichever node fired it: the
      // getinstances totals (root-instance counters) stayed exact through those transactions.
      const total = async (statuses: number[]) => (await db.store.listInstances({ statuses, take: 1 })).total;
      assert.equal(await total([InstanceStatus.Finalized]), 1000);
      assert.equal(await total([InstanceStatus.Idled, InstanceStatus.Running, InstanceStatus.Initialized]), 0);
      assert.equal((await db.store.listInstances({ schemeCode: 'ClusterTimer', take: 1 })).total, 1000);
    });
  }

  it('200 concurrent commands on one instance over 3 nodes: one transition per state, losers get WM_INSTANCE_CONFLICT', async (t) => {
    const cleanup = new Cleanup(t);
    const { url, store } = await testDatabase(cleanup);
    const nodes = await Promise.all([startNode(cleanup, url, 5000), startNode(cleanup, url, 5000), startNode(cleanup, url, 5000)]);
    const id = processId(9999);
    const created = await callApi(nodes[0]!, 'createinstance', { processId: id, schemeCode: 'ClusterFlip', identityId: 'alice' });
    assert.equal(created.success, true, JSON.stringify(created));

    const results = await Promise.all(Array.from({ length: 200 }, (_, i) =>
      callApi(nodes[i % nodes.length]!, 'executecommand', { processId: id, command: 'Flip', identityId: 'alice' })));
    const succeeded = results.filter((r) => r.success);
    const failed = results.filter((r) => !r.success);
    assert.ok(succeeded.length >= 1);
    for (const failure of failed) assert.equal(failure.code, 'WM_INSTANCE_CONFLICT', JSON.stringify(failure));
    assert.ok(failed.length > 0, 'commands from different nodes did collide');

    const history = await store.getHistory(id);
    assert.equal(history.length, succeeded.length, 'one history row per executed command');
    let state = 'Ping';
    for (const row of history) {
      assert.equal(row.fromActivityName, state, `transition ${row.order} starts where the previous ended`);
      state = row.toActivityName;
    }
    const instance = await store.getInstance(id);
    assert.equal(instance?.activityName, state);
    assert.equal(instance?.revision, 1 + succeeded.length);
  });

  it('a node killed while holding timer leases is taken over: its timers fire once, within the node timeout', async (t) => {
    const nodeTimeoutMs = 2000;
    const cleanup = new Cleanup(t);
    const db = await testDatabase(cleanup);
    const { url, admin } = db;
    // The survivors run from the start, paused (runtime stopped) so the victim claims the timers.
    const survivors = await Promise.all([startNode(cleanup, url, nodeTimeoutMs), startNode(cleanup, url, nodeTimeoutMs)]);
    for (const survivor of survivors) assert.equal((await callApi(survivor, 'stop', {})).success, true);
    const TIMER_COUNT = 400;
    await createDueTimers(db, TIMER_COUNT);
    const victim = await startNode(cleanup, url, nodeTimeoutMs);
    await waitUntil('the node to hold timer leases', 30_000, async () =>
      Number((await admin.query<{ count: string }>('select count(*) from timers where claimed_until is not null')).rows[0]!.count) > 0);
    victim.child.kill('SIGKILL');
    await new Promise((resolve) => victim.child.once('exit', resolve));
    const killedAt = Date.now();
    const orphaned = (await admin.query<{ process_id: string; claimed_until: string }>(
      'select process_id, claimed_until from timers where claimed_until is not null',
    )).rows;
    assert.ok(orphaned.length > 0, 'the killed node held leases');

    for (const survivor of survivors) assert.equal((await callApi(survivor, 'start', {})).success, true);
    const orphanedIds = orphaned.map((o) => o.process_id);
    const takenOverAt = await waitUntil('the orphaned timers to fire', 60_000, async () =>
      Number((await admin.query<{ count: string }>(`select count(*) from instances where id = any($1) and activity_name <> 'AfterTimer'`, [orphanedIds])).rows[0]!.count) === 0);
    // Leases last one node timeout from the claim (before the kill); the survivors look again
    // when they lapse. Allow one more timeout plus slack for firing them all on a loaded machine
    // (8 s of slack flaked at load average 8) — still far below the 60 s default lease, which is
    // what a takeover that ignored the node timeout would wait for.
    assert.ok(takenOverAt - killedAt <= 2 * nodeTimeoutMs + 12_000, `taken over in ${takenOverAt - killedAt} ms`);
    await waitUntil('every timer to fire', 120_000, async () => (await instancesAfterTimer(admin)) === TIMER_COUNT);
    const fired = await firings(admin);
    assert.equal(fired.size, TIMER_COUNT);
    assert.deepEqual([...new Set(fired.values())], [1], 'each timer fired once, the orphaned ones too');
    for (const { process_id } of orphaned) assert.equal(fired.get(process_id), 1);

    await waitUntil('the killed node to be declared lost', 3 * nodeTimeoutMs, async () =>
      (await admin.query<{ runtime_state: string }>('select runtime_state from nodes where id = $1', [victim.nodeId])).rows[0]?.runtime_state === 'lost');
  });
});
