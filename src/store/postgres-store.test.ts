import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { createDatabase, createTestDatabase } from '../../test/support/postgres.js';
import { rowsOf, type SqlProgram } from './direct-sql.js';
import { storeMigrations } from './migrations.js';
import { createPostgresStore, postgresDirectSql } from './postgres-store.js';
import type { WaymarkDatabase } from './tables.js';
import type { Store } from './store.js';
import { fakeInstance, fakeStep, fakeWrite } from './testing.js';

describe('PostgreSQL store shared by several nodes', () => {
  it('three nodes starting at once on an empty database migrate it once', async (t) => {
    const { url, drop } = await createDatabase();
    t.after(drop);
    const stores = await Promise.all([1, 2, 3].map(() => createPostgresStore({ url })));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const applied = await client.query<{ name: string }>('select name from migrations order by name');
      assert.deepEqual(applied.rows.map((r) => r.name), Object.keys(storeMigrations('postgres')).sort());
      for (const store of stores) assert.equal(await store.ping(), true);
    } finally {
      await client.end();
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('two nodes claiming due timers at the same moment never claim one timer twice', async (t) => {
    const url = await createTestDatabase(t);
    const nodes: Store[] = [await createPostgresStore({ url }), await createPostgresStore({ url })];
    t.after(() => Promise.all(nodes.map((s) => s.close())));
    const count = 500;
    const ids = Array.from({ length: count }, (_, i) => `p${i}`);
    await nodes[0]!.applyStep(fakeWrite(fakeStep({
      instances: ids.map((id) => fakeInstance({ id })),
      timers: Object.fromEntries(ids.map((id) => [id, [{ processId: id, name: 'Due', dueAt: '2026-01-01T00:00:00.000Z' }]])),
    })));
    const now = new Date('2026-01-01T00:01:00Z');
    const lease = new Date('2026-01-01T00:02:00Z');
    const claimedBy = await Promise.all(nodes.map(async (store) => {
      const mine: string[] = [];
      for (;;) {
        const batch = await store.claimDueTimers(now, lease, 20);
        if (batch.length === 0) return mine;
        mine.push(...batch.map((timer) => timer.processId));
      }
    }));
    const all = claimedBy.flat();
    assert.equal(all.length, count, 'every timer claimed');
    assert.equal(new Set(all).size, count, 'no timer claimed twice');
  });

  it('two nodes writing two instances in opposite orders: a deadlock is reported as WM_INSTANCE_CONFLICT, never a raw error', async (t) => {
    const url = await createTestDatabase(t);
    const nodes: Store[] = [await createPostgresStore({ url }), await createPostgresStore({ url })];
    t.after(() => Promise.all(nodes.map((s) => s.close())));
    await nodes[0]!.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'i1' }), fakeInstance({ id: 'i2' })] })));
    const stats = new pg.Client({ connectionString: url });
    // The database is dropped (terminating this connection) before this client's own cleanup.
    stats.on('error', () => undefined);
    await stats.connect();
    t.after(() => stats.end().catch(() => undefined));
    const deadlocks = async () => Number((await stats.query<{ deadlocks: string }>('select deadlocks from pg_stat_database where datname = current_database()')).rows[0]!.deadlocks);
    const before = await deadlocks();
    for (let round = 1; round <= 3; round++) {
      const revision = (await nodes[0]!.getInstance('i1'))!.revision;
      const orders = [['i1', 'i2'], ['i2', 'i1']];
      const results = await Promise.allSettled(nodes.map((store, n) => {
        const instances = orders[n]!.map((id) => fakeInstance({ id, revision, activityName: `by-${n}` }));
        return store.applyStep(fakeWrite(fakeStep({ instances }), { i1: revision, i2: revision }));
      }));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}: one winner`);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((loser.reason as { code?: string }).code, 'WM_INSTANCE_CONFLICT', String(loser.reason));
    }
    // pg_stat counters are flushed lazily; the outcome above is what matters when none is seen yet.
    t.diagnostic(`deadlocks detected: ${(await deadlocks()) - before}`);
  });

  it('steps from two nodes on one revision: exactly one wins, the other gets WM_INSTANCE_CONFLICT', async (t) => {
    const url = await createTestDatabase(t);
    const nodes: Store[] = [await createPostgresStore({ url }), await createPostgresStore({ url })];
    t.after(() => Promise.all(nodes.map((s) => s.close())));
    await nodes[0]!.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1' })] })));
    for (let round = 1; round <= 20; round++) {
      const results = await Promise.allSettled(nodes.map((store, n) =>
        store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1', revision: round, activityName: `by-${n}` })] }), { p1: round }))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}: one winner`);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((loser.reason as { code?: string }).code, 'WM_INSTANCE_CONFLICT');
      assert.equal((await nodes[1]!.getInstance('p1'))?.revision, round + 1);
    }
  });
});

describe('direct SQL on PostgreSQL: group commit', () => {
  /** `executed` lists the statements run through kysely, savepoints included. */
  async function openDirectSql(t: Pick<TestContext, 'after'>) {
    const url = await createTestDatabase(t);
    const executed: string[] = [];
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    // The database is dropped (terminating idle connections) before the pool is closed.
    pool.on('error', () => undefined);
    const db = new Kysely<WaymarkDatabase>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        if (event.level === 'query') executed.push(event.query.sql);
      },
    });
    t.after(() => db.destroy());
    await sql`create table items (name text primary key)`.execute(db);
    executed.length = 0;
    return { direct: postgresDirectSql(db), executed };
  }

  function* insertItem(name: string): SqlProgram<void> {
    yield { text: 'insert into items (name) values (?)', parameters: [name] };
  }

  function* failAfterInserting(name: string): SqlProgram<void> {
    yield* insertItem(name);
    throw new Error(`${name} refused`);
  }

  /** Inserts `name` twice, catching the second insert's error and going on as SQLite would allow. */
  function* insertTwiceIgnoringTheError(name: string): SqlProgram<void> {
    yield* insertItem(name);
    try {
      yield* insertItem(name);
    } catch {
      // On PostgreSQL the failed statement has aborted the transaction all the same.
    }
  }

  const savepointsIn = (executed: readonly string[]) => executed.filter((text) => /^savepoint\b/i.test(text)).length;

  it('commits a batch in which no program fails without a savepoint, each program run once', async (t) => {
    const { direct, executed } = await openDirectSql(t);
    const runs = new Map<string, number>();
    const counted = (name: string) => () => {
      runs.set(name, (runs.get(name) ?? 0) + 1);
      return insertItem(name);
    };
    assert.deepEqual(await direct.writeEach([counted('a'), counted('b'), counted('c')]), [undefined, undefined, undefined]);
    assert.equal(savepointsIn(executed), 0, executed.join('\n'));
    assert.deepEqual(Object.fromEntries(runs), { a: 1, b: 1, c: 1 });
    assert.deepEqual((await direct.read(rowsOf('select name from items order by name', []))).map((row) => row.name), ['a', 'b', 'c']);
  });

  it('rolls back only the program that failed, after it wrote; alone, a failing program writes nothing', async (t) => {
    const { direct } = await openDirectSql(t);
    const outcomes = await direct.writeEach([() => insertItem('kept-1'), () => failAfterInserting('dropped'), () => insertItem('kept-2')]);
    assert.equal(outcomes[0], undefined);
    assert.match(String(outcomes[1]), /dropped refused/);
    assert.equal(outcomes[2], undefined);
    const [alone] = await direct.writeEach([() => failAfterInserting('alone')]);
    assert.match(String(alone), /alone refused/);
    assert.deepEqual((await direct.read(rowsOf('select name from items order by name', []))).map((row) => row.name), ['kept-1', 'kept-2']);
  });

  it('a program that catches a failed statement and goes on fails with that error instead of being lost at COMMIT', async (t) => {
    const { direct } = await openDirectSql(t);
    const [alone] = await direct.writeEach([() => insertTwiceIgnoringTheError('alone')]);
    assert.equal((alone as { code?: string } | undefined)?.code, '23505', String(alone));

    const outcomes = await direct.writeEach([() => insertItem('kept-1'), () => insertTwiceIgnoringTheError('dropped'), () => insertItem('kept-2')]);
    assert.equal(outcomes[0], undefined);
    assert.equal((outcomes[1] as { code?: string } | undefined)?.code, '23505', String(outcomes[1]));
    assert.equal(outcomes[2], undefined);
    assert.deepEqual((await direct.read(rowsOf('select name from items order by name', []))).map((row) => row.name), ['kept-1', 'kept-2']);
  });
});

describe('PostgreSQL migration 0009: users\' credentials get ids of their own', () => {
  it('moves a stored password and external logins into credentials and drops the old columns', async (t) => {
    // Given a database that Waymark 0.1 left at migration 0007, with a user holding both kinds.
    const url = await createTestDatabase(t);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    const before = Object.fromEntries(Object.entries(storeMigrations('postgres')).filter(([name]) => name < '0009'));
    const migrator = new Migrator({ db, provider: { getMigrations: async () => before }, migrationTableName: 'migrations', migrationLockTableName: 'migrations_lock' });
    assert.equal((await migrator.migrateToLatest()).error, undefined);
    await sql`insert into users (id, name, login, password_hash, is_locked, extensions, external_logins, lock, created_at)
      values ('u-1', 'Una', 'una', 'scrypt$16384$8$1$c2FsdA==$aGFzaA==', 0, '{}', ${JSON.stringify([{ Id: 'bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb', Provider: 'Okta' }])}, 1, '2026-01-05T10:00:00.000Z')`.execute(db);
    await db.destroy();

    // When this version opens it.
    const store = await createPostgresStore({ url });
    t.after(() => store.close());

    // Then the password and the account are credentials with ids, the account's own kept.
    const una = await store.getUser('u-1');
    assert.deepEqual(una?.credentials.map((c) => [c.kind, c.provider, c.passwordHash === null]), [['password', null, false], ['external', 'Okta', true]]);
    assert.equal(una?.credentials[1]?.id, 'bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb');
    assert.equal((await store.getUserByCredential(una!.credentials[0]!.id))?.id, 'u-1');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const columns = await client.query<{ column_name: string }>("select column_name from information_schema.columns where table_name = 'users'");
      assert.equal(columns.rows.some((row) => row.column_name === 'password_hash' || row.column_name === 'external_logins'), false);
    } finally {
      await client.end();
    }
  });
});
