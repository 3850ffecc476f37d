import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { SchemeDefinition } from '../scheme/model.js';
import type { InstanceStatus, ProcessInstance } from '../engine/types.js';
import { STORE_FACTORIES, createDatabase } from '../../test/support/postgres.js';
import {
  COMPACT_AFTER_PENDING_CHANGES,
  COMPACTION_LOCK_KEY,
  INSTANCE_COUNT_LIMIT,
  compactRootInstanceCounts,
  instanceCountBound,
  isCountedByCounters,
  type InstanceCountTables,
} from './instance-counts.js';
import { createPostgresStore } from './postgres-store.js';
import { createSqliteStore } from './sqlite-store.js';
import type { InstanceQuery, Store } from './store.js';
import { fakeInstance, fakeStep, fakeWrite } from './testing.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const TENANTS = [undefined, 't1', 't2', ''];
const SCHEMES = [undefined, 'Vacation', 'Expense'];
const STATUS_FILTERS: (readonly number[] | undefined)[] = [undefined, [], [0], [1], [0, 2], [0, 1, 2, 3]];
const MIGRATION = '0007-root-instance-counters';

function scheme(code: string): SchemeDefinition {
  return { code, name: code, tags: [], logEnabled: false, parameters: [], actors: [], commands: [], timers: [], activities: [], transitions: [], localization: [] };
}

/** Every combination of the filters the counters answer. */
function counterQueries(): InstanceQuery[] {
  const queries: InstanceQuery[] = [];
  for (const tenantId of TENANTS) {
    for (const schemeCode of SCHEMES) {
      for (const statuses of STATUS_FILTERS) {
        queries.push({ take: 1, ...(tenantId === undefined ? {} : { tenantId }), ...(schemeCode === undefined ? {} : { schemeCode }), ...(statuses === undefined ? {} : { statuses }) });
      }
    }
  }
  return queries;
}

/** Asserts each counted total equals the number of root rows the same filters list. */
async function assertTotalsExact(store: Store, stage: string): Promise<void> {
  for (const query of counterQueries()) {
    assert.ok(isCountedByCounters(query));
    const { total, totalIsLowerBound } = await store.listInstances(query);
    const listed = await store.listInstances({ ...query, take: 0 });
    assert.equal(total, listed.items.length, `${stage}: total of ${JSON.stringify(query)}`);
    assert.equal(totalIsLowerBound, false);
  }
}

/** Undoes the migrations after {@link MIGRATION}, so the database is as that migration found it. */
function laterMigrationUndo(): string[] {
  return [
    'drop index logs_level_created_at_index', // 0010
    'drop table user_credentials', // 0009: its two columns of users come back
    'alter table users add column password_hash text',
    "alter table users add column external_logins text not null default '[]'",
    'drop table generated_schemes', // 0008
    `delete from migrations where name > '${MIGRATION}'`,
  ];
}

function undoLaterMigrations(run: (statement: string) => void): void {
  for (const statement of laterMigrationUndo()) run(statement);
}

function tempDataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-counts-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const INSTANCE_COLUMNS = `id, scheme_code, scheme_id, scheme_version, tenant_id, status, activity_name, parent_process_id, root_process_id, parameters, created_at, revision`;

/** Inserts a root instance the way any writer could, bypassing the store. */
function insertRoot(client: pg.Client, id: string, schemeCode: string, status = 0): Promise<unknown> {
  return client.query(
    `insert into instances (${INSTANCE_COLUMNS}) values ($1, $2, 's', 1, null, $3, 'Draft', null, $1, '{}', '2026-01-01T00:00:00.000Z', 1)`,
    [id, schemeCode, status],
  );
}

async function connect(t: TestContext, url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // The database may be dropped (terminating this connection) before the client is ended.
  client.on('error', () => undefined);
  await client.connect();
  t.after(() => client.end().catch(() => undefined));
  return client;
}

for (const factory of STORE_FACTORIES) {
  describe(`root instance counts (${factory.name})`, () => {
    it('keep getinstances totals exact through creates, status changes, subprocesses, deletes and forced scheme deletes', async (t) => {
      const store = await factory.open(t);
      await store.saveScheme(scheme('Vacation'), null, NOW);
      await store.saveScheme(scheme('Expense'), null, NOW);
      await assertTotalsExact(store, 'empty');

      const roots: ProcessInstance[] = [];
      for (let i = 0; i < 24; i++) {
        roots.push(fakeInstance({
          id: `root-${i}`,
          schemeCode: i % 3 === 0 ? 'Expense' : 'Vacation',
          tenantId: [null, 't1', 't2', ''][i % 4]!,
          status: (i % 4) as InstanceStatus,
        }));
      }
      // One step creating many (a group of roots in one statement) and steps creating one.
      await store.applyStep(fakeWrite(fakeStep({ instances: roots.slice(0, 12) })));
      for (const root of roots.slice(12)) await store.applyStep(fakeWrite(fakeStep({ instances: [root] })));
      await assertTotalsExact(store, 'created');
      assert.equal((await store.listInstances({ take: 1 })).total, 24);

      // Status changes; a step that keeps the status (activity only) changes no count.
      await store.applyStep(fakeWrite(fakeStep({ instances: [{ ...roots[0]!, status: 2 }, { ...roots[5]!, status: 3 }] }), { 'root-0': 1, 'root-5': 1 }));
      await store.applyStep(fakeWrite(fakeStep({ instances: [{ ...roots[1]!, activityName: 'Elsewhere' }] }), { 'root-1': 1 }));
      await assertTotalsExact(store, 'status changed');
      assert.equal((await store.listInstances({ statuses: [2], take: 1 })).total, 7);

      // Subprocesses are not roots: created, changed and removed, they never count.
      const sub = fakeInstance({ id: 'root-2-sub', schemeCode: 'Vacation', tenantId: 't2', status: 1, parentProcessId: 'root-2', rootProcessId: 'root-2' });
      await store.applyStep(fakeWrite(fakeStep({ instances: [{ ...roots[2]!, status: 1 }, sub] }), { 'root-2': 1 }));
      await assertTotalsExact(store, 'subprocess created');
      await store.applyStep(fakeWrite(fakeStep({ instances: [{ ...sub, status: 2 }] }), { 'root-2-sub': 1, 'root-2': 2 }));
      await assertTotalsExact(store, 'subprocess status changed');
      await store.applyStep(fakeWrite(fakeStep({ instances: [], removedInstanceIds: ['root-2-sub'] }), { 'root-2': 2 }));
      await assertTotalsExact(store, 'subprocess removed');
      assert.equal((await store.listInstances({ take: 1 })).total, 24);

      // A step that fails (revision conflict) rolls back its counts with it.
      await assert.rejects(store.applyStep(fakeWrite(fakeStep({ instances: [{ ...roots[3]!, status: 0 }, fakeInstance({ id: 'never', schemeCode: 'Expense' })] }), { 'root-3': 99 })));
      await assertTotalsExact(store, 'conflict rolled back');
      assert.equal((await store.listInstances({ take: 1 })).total, 24);

      // Deleting a root with a subprocess removes one root.
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'root-4-sub', schemeCode: 'Vacation', parentProcessId: 'root-4', rootProcessId: 'root-4' })] }), { 'root-4': 1 }));
      assert.equal(await store.deleteInstances(['root-4', 'root-7', 'missing']), 3);
      await assertTotalsExact(store, 'deleted');
      assert.equal((await store.listInstances({ take: 1 })).total, 22);

      await store.deleteScheme('Expense', true);
      await assertTotalsExact(store, 'scheme deleted');
      assert.equal((await store.listInstances({ schemeCode: 'Expense', take: 1 })).total, 0);
      assert.equal((await store.listInstances({ take: 1 })).total, 22 - roots.filter((r, i) => r.schemeCode === 'Expense' && i !== 4 && i !== 7).length);

      // Recreating a deleted id counts again.
      await store.applyStep(fakeWrite(fakeStep({ instances: [roots[3]!] })));
      await assertTotalsExact(store, 'recreated');
    });

    it('count searches, date ranges and subprocess listings over the rows', async (t) => {
      const store = await factory.open(t);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [
          fakeInstance({ id: 'early', createdAt: '2026-01-01T00:00:00.000Z' }),
          fakeInstance({ id: 'late', createdAt: '2026-02-01T00:00:00.000Z' }),
          fakeInstance({ id: 'late-sub', parentProcessId: 'late', rootProcessId: 'late' }),
        ],
      })));
      for (const query of [{ search: 'late' }, { fromCreationDate: '2026-01-15T00:00:00.000Z' }, { toLastTransitionDate: '2026-01-15T00:00:00.000Z' }, { rootsOnly: false }] satisfies InstanceQuery[]) {
        assert.equal(isCountedByCounters(query), false);
      }
      assert.deepEqual(await store.listInstances({ search: 'late', take: 1 }).then((p) => [p.total, p.totalIsLowerBound]), [1, false]);
      assert.equal((await store.listInstances({ fromCreationDate: '2026-01-15T00:00:00.000Z', take: 1 })).total, 1);
      assert.equal((await store.listInstances({ rootsOnly: false, take: 1 })).total, 3);
      assert.equal((await store.listInstances({ search: '  ', take: 1 })).total, 2);
    });

    it(`count a search or date range only up to max(${INSTANCE_COUNT_LIMIT}, skip + take) rows, and say when more match`, async (t) => {
      const store = await factory.open(t);
      const count = INSTANCE_COUNT_LIMIT + 5;
      await store.applyStep(fakeWrite(fakeStep({
        instances: Array.from({ length: count }, (_, i) => fakeInstance({ id: `i-${String(i).padStart(5, '0')}`, schemeCode: 'Bulk' })),
      })));
      const search = { search: 'bulk' } as const;
      const dated = { fromCreationDate: '2025-12-31T00:00:00.000Z' } as const;
      for (const filter of [search, dated]) {
        const first = await store.listInstances({ ...filter, take: 10 });
        assert.deepEqual([first.items.length, first.total, first.totalIsLowerBound], [10, INSTANCE_COUNT_LIMIT + 1, true], JSON.stringify(filter));
        // Far pages push the bound out: the total still says whether a later page exists.
        const near = await store.listInstances({ ...filter, skip: INSTANCE_COUNT_LIMIT - 20, take: 10 });
        assert.deepEqual([near.total, near.totalIsLowerBound], [INSTANCE_COUNT_LIMIT + 1, true]);
        const last = await store.listInstances({ ...filter, skip: INSTANCE_COUNT_LIMIT, take: 10 });
        assert.deepEqual([last.items.length, last.total, last.totalIsLowerBound], [5, count, false]);
        // All of them (take 0): the page reads every row, the count is exact.
        const all = await store.listInstances({ ...filter, take: 0 });
        assert.deepEqual([all.items.length, all.total, all.totalIsLowerBound], [count, count, false]);
      }
      // A search that matches fewer than the bound is exact; the counters are exact at any size.
      assert.deepEqual(await store.listInstances({ search: 'i-0000', take: 10 }).then((p) => [p.total, p.totalIsLowerBound]), [10, false]);
      assert.deepEqual(await store.listInstances({ take: 10 }).then((p) => [p.total, p.totalIsLowerBound]), [count, false]);
    });
  });
}

describe('instance count bound', () => {
  it('is max(limit, skip + take), and absent for take 0 (all)', () => {
    assert.equal(instanceCountBound({ take: 10 }), INSTANCE_COUNT_LIMIT);
    assert.equal(instanceCountBound({ take: 10, skip: INSTANCE_COUNT_LIMIT }), INSTANCE_COUNT_LIMIT + 10);
    assert.equal(instanceCountBound({ take: 0, skip: 5 }), undefined);
    assert.equal(instanceCountBound({}), undefined);
  });
});

describe('root instance counts on PostgreSQL with concurrent writers', () => {
  async function openShared(t: TestContext): Promise<{ url: string; store: Store; db: Kysely<InstanceCountTables>; pending: () => Promise<number> }> {
    const { url, drop } = await createDatabase();
    t.after(drop);
    const store = await createPostgresStore({ url });
    t.after(() => store.close());
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    // The database is dropped (terminating these connections) before the pool is ended.
    pool.on('error', () => undefined);
    const db = new Kysely<InstanceCountTables>({ dialect: new PostgresDialect({ pool }) });
    t.after(() => db.destroy());
    const pending = async () => Number((await sql<{ count: string }>`select count(*) from root_instance_count_deltas`.execute(db)).rows[0]!.count);
    return { url, store, db, pending };
  }

  it('two sessions creating, changing and ending roots of the same keys in opposite orders never wait for each other', async (t) => {
    const { url, store } = await openShared(t);
    const [a, b] = [await connect(t, url), await connect(t, url)];
    for (const client of [a, b]) {
      // Any wait for a lock the other session holds fails at once instead of hanging the test.
      await client.query(`set lock_timeout = '50ms'`);
      await client.query('begin');
    }
    await insertRoot(a, 'a1', 'Vacation');
    await insertRoot(b, 'b1', 'Expense');
    await insertRoot(b, 'b2', 'Vacation');
    await insertRoot(a, 'a2', 'Expense');
    // Both hold uncommitted counts of both keys; with shared counter rows the second session's
    // writes above would already have had to wait for the first's.
    await a.query(`update instances set status = 2 where id = 'a1'`);
    await b.query(`update instances set status = 2 where id = 'b2'`);
    await b.query('commit');
    await a.query('commit');
    assert.equal((await store.listInstances({ take: 1 })).total, 4);
    assert.equal((await store.listInstances({ schemeCode: 'Vacation', statuses: [2], take: 1 })).total, 2);
    assert.equal((await store.listInstances({ schemeCode: 'Expense', statuses: [0], take: 1 })).total, 2);

    // A root one session created, the other ends, both at once.
    await b.query('begin');
    await b.query(`delete from instances where id = 'a2'`);
    await a.query('begin');
    await a.query(`delete from instances where id = 'b1'`);
    await a.query('commit');
    await b.query('commit');
    await assertTotalsExact(store, 'after concurrent deletes');
    assert.equal((await store.listInstances({ schemeCode: 'Expense', take: 1 })).total, 0);
    assert.equal((await store.listInstances({ take: 1 })).total, 2);
  });

  it('compaction folds committed changes, leaves those of running transactions, and never waits', async (t) => {
    const { url, store, db, pending } = await openShared(t);
    const writer = await connect(t, url);
    for (let i = 0; i < 6; i++) await insertRoot(writer, `c${i}`, i % 2 === 0 ? 'Vacation' : 'Expense', i % 3);
    await writer.query(`update instances set status = 3 where id in ('c0', 'c1')`);
    await writer.query(`delete from instances where id = 'c5'`);
    await assertTotalsExact(store, 'before compaction');
    assert.equal(await pending(), 6 + 4 + 1);

    // A transaction still running when the compaction runs: its changes stay pending.
    await writer.query('begin');
    await insertRoot(writer, 'running', 'Vacation');
    await writer.query(`update instances set status = 1 where id = 'c2'`);
    assert.equal(await compactRootInstanceCounts(db), 11);
    assert.equal(await pending(), 0, 'the running transaction\'s changes are not visible yet');
    await writer.query('commit');
    assert.equal(await pending(), 3);
    await assertTotalsExact(store, 'after compaction and a later commit');
    assert.equal((await store.listInstances({ take: 1 })).total, 6);

    // Another compaction in progress (its lock held): this one returns at once, folding nothing.
    const other = await connect(t, url);
    await other.query('begin');
    await other.query(`select pg_advisory_xact_lock(${COMPACTION_LOCK_KEY[0]}, ${COMPACTION_LOCK_KEY[1]})`);
    assert.equal(await compactRootInstanceCounts(db), 0);
    await other.query('commit');
    assert.equal(await compactRootInstanceCounts(db), 3);
    assert.equal(await pending(), 0);
    await assertTotalsExact(store, 'compacted');
  });

  it(`a listing that finds more than ${COMPACT_AFTER_PENDING_CHANGES} pending changes starts a compaction`, async (t) => {
    const { store, pending } = await openShared(t);
    const count = COMPACT_AFTER_PENDING_CHANGES + 10;
    await store.applyStep(fakeWrite(fakeStep({ instances: Array.from({ length: count }, (_, i) => fakeInstance({ id: `m-${i}`, status: (i % 3) as InstanceStatus })) })));
    assert.equal(await pending(), count);
    assert.equal((await store.listInstances({ statuses: [1], take: 1 })).total, Array.from({ length: count }, (_, i) => i % 3).filter((s) => s === 1).length);
    // The compaction runs after the answer, so wait for it (at most a minute on a loaded machine).
    for (let waited = 0; (await pending()) > 0; waited += 50) {
      assert.ok(waited < 60_000, 'the compaction ran');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await assertTotalsExact(store, 'compacted in the background');
    assert.equal((await store.listInstances({ take: 1 })).total, count);
  });
});

describe(`migration ${MIGRATION}`, () => {
  it('counts the instances a SQLite database already holds when it is upgraded', async (t) => {
    const dataDir = tempDataDir(t);
    const before = await createSqliteStore({ dataDir });
    await before.applyStep(fakeWrite(fakeStep({
      instances: [
        fakeInstance({ id: 'r1', schemeCode: 'Vacation', tenantId: 't1', status: 1 }),
        fakeInstance({ id: 'r2', schemeCode: 'Vacation', status: 2 }),
        fakeInstance({ id: 'r3', schemeCode: 'Expense', tenantId: 't1', status: 1 }),
        fakeInstance({ id: 'r1-sub', schemeCode: 'Vacation', tenantId: 't1', parentProcessId: 'r1', rootProcessId: 'r1' }),
      ],
    })));
    await before.close();
    // Back to a database of migration 0004, holding these instances.
    const db = new BetterSqlite3(join(dataDir, 'waymark.db'));
    for (const trigger of ['insert', 'update', 'delete']) db.exec(`drop trigger root_instance_counts_on_${trigger}`);
    db.exec(`drop table root_instance_counts; delete from migrations where name = '${MIGRATION}'`);
    undoLaterMigrations((statement) => db.exec(statement));
    db.close();

    const upgraded = await createSqliteStore({ dataDir });
    t.after(() => upgraded.close());
    await assertTotalsExact(upgraded, 'upgraded');
    assert.equal((await upgraded.listInstances({ take: 1 })).total, 3);
    assert.equal((await upgraded.listInstances({ tenantId: 't1', statuses: [1], take: 1 })).total, 2);
    // And kept from then on.
    await upgraded.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'r2', schemeCode: 'Vacation', status: 3 })] }), { r2: 1 }));
    await assertTotalsExact(upgraded, 'changed after the upgrade');
  });

  it('counts the instances a PostgreSQL database already holds when it is upgraded', async (t) => {
    const { url, drop } = await createDatabase();
    t.after(drop);
    const before = await createPostgresStore({ url });
    await before.applyStep(fakeWrite(fakeStep({
      instances: [
        fakeInstance({ id: 'r1', schemeCode: 'Vacation', tenantId: 't1', status: 1 }),
        fakeInstance({ id: 'r2', schemeCode: 'Vacation', status: 2 }),
        fakeInstance({ id: 'r3', schemeCode: 'Expense', tenantId: 't1', status: 1 }),
        fakeInstance({ id: 'r1-sub', schemeCode: 'Vacation', tenantId: 't1', parentProcessId: 'r1', rootProcessId: 'r1' }),
      ],
    })));
    await before.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      for (const trigger of ['insert', 'update', 'delete']) await admin.query(`drop trigger root_instance_counts_on_${trigger} on instances`);
      await admin.query('drop function root_instance_counts_track(); drop table root_instance_counts; drop table root_instance_count_deltas');
      await admin.query('delete from migrations where name = $1', [MIGRATION]);
      for (const statement of laterMigrationUndo()) await admin.query(statement);
    } finally {
      await admin.end();
    }

    const upgraded = await createPostgresStore({ url });
    t.after(() => upgraded.close());
    await assertTotalsExact(upgraded, 'upgraded');
    assert.equal((await upgraded.listInstances({ take: 1 })).total, 3);
    assert.equal((await upgraded.listInstances({ tenantId: 't1', statuses: [1], take: 1 })).total, 2);
    await upgraded.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'r2', schemeCode: 'Vacation', status: 3 })] }), { r2: 1 }));
    await assertTotalsExact(upgraded, 'changed after the upgrade');
  });
});
