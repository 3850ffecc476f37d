import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { WaymarkError } from '../errors/index.js';
import { MIGRATION_TABLE, storeMigrations } from './migrations.js';
import { Kysely, Migrator, type Migration } from 'kysely';
import { applyConnectionPragmas, createSqliteStore, SQLITE_PAGE_CACHE_KIB } from './sqlite-store.js';
import { ConnectionGate, gatedSqliteDialect, StatementCache } from './sqlite-connection.js';
import { fakeInstance, fakeStep, fakeTransition, fakeWrite } from './testing.js';

function tempDataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens the database file directly, as an operator's sqlite3 shell would. */
function inspect<T>(dataDir: string, look: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(join(dataDir, 'waymark.db'));
  try {
    return look(db);
  } finally {
    db.close();
  }
}

describe('opening a database file', () => {
  it('creates the data directory and applies the pragmas that make steps durable', async (t) => {
    const dataDir = join(tempDataDir(t), 'nested', 'data');
    const store = await createSqliteStore({ dataDir });
    await store.close();
    inspect(dataDir, (db) => {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      const tables = db.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as { name: string }[];
      for (const table of ['schemes', 'instances', 'history', 'inbox', 'outbox', 'timers', 'users', 'user_roles', 'settings', 'logs', 'forms', MIGRATION_TABLE]) {
        assert.ok(tables.some((row) => row.name === table), `table ${table} exists`);
      }
    });
  });

  it('sets WAL, synchronous commits, foreign keys and the stock 2 MiB page cache on a connection', (t) => {
    const database = new BetterSqlite3(join(tempDataDir(t), 'pragmas.db'));
    try {
      applyConnectionPragmas(database);
      assert.equal(database.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(database.pragma('synchronous', { simple: true }), 2);
      assert.equal(database.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(database.pragma('cache_size', { simple: true }), -SQLITE_PAGE_CACHE_KIB);
      assert.equal(SQLITE_PAGE_CACHE_KIB, 2000);
    } finally {
      database.close();
    }
  });

  it('keeps data across a reopen and runs each migration only once', async (t) => {
    const dataDir = tempDataDir(t);
    const first = await createSqliteStore({ dataDir });
    await first.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1' })], history: [fakeTransition('p1', 'Draft', 'Review')] })));
    await first.setSetting('answer', 42);
    await first.close();

    const second = await createSqliteStore({ dataDir });
    t.after(() => second.close());
    assert.equal((await second.getInstance('p1'))?.revision, 1);
    assert.equal((await second.getHistory('p1')).length, 1);
    assert.equal(await second.getSetting('answer'), 42);
    await second.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1', revision: 1 })], history: [fakeTransition('p1', 'Review', 'Done')] }), { p1: 1 }));
    assert.deepEqual((await second.getHistory('p1')).map((h) => h.order), [1, 2]);

    const recorded = inspect(dataDir, (db) => db.prepare(`select name from ${MIGRATION_TABLE} order by name`).all() as { name: string }[]);
    assert.deepEqual(recorded.map((r) => r.name), Object.keys(storeMigrations('sqlite')).sort());
  });

  it('refuses a database migrated by a newer Waymark', async (t) => {
    const dataDir = tempDataDir(t);
    await (await createSqliteStore({ dataDir })).close();
    inspect(dataDir, (db) => db.prepare(`insert into ${MIGRATION_TABLE} (name, timestamp) values (?, ?)`).run('9999-from-the-future', new Date().toISOString()));

    await assert.rejects(createSqliteStore({ dataDir }), (error: unknown) => {
      const waymarkError = error as WaymarkError;
      assert.equal(waymarkError.code, 'WM_CONFIG_INVALID');
      assert.match(waymarkError.message, /newer schema .*'9999-from-the-future'.*upgrade Waymark/);
      assert.deepEqual(waymarkError.context.unknownMigrations, ['9999-from-the-future']);
      return true;
    });
  });

  it('runs the pending migrations as one transaction: a failing one leaves no part of the others behind', async (t) => {
    // So a first start creates its schema with one durable commit, and a crash leaves none of it.
    const dataDir = tempDataDir(t);
    const database = new BetterSqlite3(join(dataDir, 'waymark.db'));
    const db = new Kysely<unknown>({ dialect: gatedSqliteDialect(database, new StatementCache(database), new ConnectionGate()) });
    t.after(() => db.destroy());
    const migrations: Record<string, Migration> = {
      '0001-first': { up: async (trx) => void (await trx.schema.createTable('first_table').addColumn('id', 'text').execute()) },
      '0002-fails': {
        up: async (trx) => {
          await trx.schema.createTable('second_table').addColumn('id', 'text').execute();
          throw new Error('this migration fails halfway');
        },
      },
    };
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableName: MIGRATION_TABLE });
    const { error } = await migrator.migrateToLatest();
    assert.match(String(error), /fails halfway/);
    const tables = inspect(dataDir, (raw) => (raw.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[]).map((row) => row.name));
    assert.equal(tables.includes('first_table'), false, 'the first migration was rolled back with the second');
    assert.equal(tables.includes('second_table'), false);
    const recorded = inspect(dataDir, (raw) => raw.prepare(`select count(*) as n from ${MIGRATION_TABLE}`).get() as { n: number });
    assert.equal(recorded.n, 0, 'no migration is recorded as done');
  });

  it('reports a file that is not a database as a configuration error', async (t) => {
    const dataDir = tempDataDir(t);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dataDir, 'waymark.db'), 'this is not a database, just text '.repeat(200));
    await assert.rejects(createSqliteStore({ dataDir }), (error: unknown) => (error as WaymarkError).code === 'WM_CONFIG_INVALID');
  });

  it('answers the hot lookups from indexes, not table scans', async (t) => {
    const dataDir = tempDataDir(t);
    await (await createSqliteStore({ dataDir })).close();
    const plan = (db: BetterSqlite3.Database, query: string) =>
      (db.prepare(`explain query plan ${query}`).all() as { detail: string }[]).map((row) => row.detail).join(' | ');
    inspect(dataDir, (db) => {
      assert.match(plan(db, `select * from "inbox" where "identity_id" = 'bob'`), /USING INDEX inbox_identity_id_index/);
      assert.match(plan(db, `select "user_id" from "user_roles" where "role" = 'Manager'`), /USING (COVERING )?INDEX user_roles_role_index/);
      assert.match(plan(db, `select "user_id" from "user_roles" where "user_id" = 'u' and "role" = 'r'`), /USING (COVERING )?INDEX sqlite_autoindex_user_roles_1/);
      assert.match(plan(db, `select * from "timers" where "due_at" <= '2026' order by "due_at" limit 10`), /USING INDEX timers_due_at_index/);
      assert.match(plan(db, `select * from "instances" where "root_process_id" = 'r' and "parent_process_id" is not null`), /USING INDEX instances_subprocess_root_process_id_index/);
      assert.match(plan(db, `select "id" from "instances" where "parent_process_id" in ('a', 'b')`), /USING (COVERING )?INDEX instances_subprocess_parent_process_id_index/);
      assert.match(plan(db, `select "id" from "instances" where "tenant_id" = 't'`), /USING (COVERING )?INDEX instances_tenant_id_index/);
      assert.match(plan(db, `select max("order") from "history" where "process_id" = 'p'`), /USING (COVERING )?INDEX sqlite_autoindex_history_1/);
    });
  });
});

describe('migration 0009: users\' credentials get ids of their own', () => {
  it('moves a stored password and external logins into credentials, keeping an external login\'s GUID id', async (t) => {
    // Given a database that Waymark 0.1 left at migration 0007, with a user holding both kinds.
    const dataDir = tempDataDir(t);
    const database = new BetterSqlite3(join(dataDir, 'waymark.db'));
    const db = new Kysely<unknown>({ dialect: gatedSqliteDialect(database, new StatementCache(database), new ConnectionGate()) });
    const before = Object.fromEntries(Object.entries(storeMigrations('sqlite')).filter(([name]) => name < '0009'));
    const migrator = new Migrator({ db, provider: { getMigrations: async () => before }, migrationTableName: MIGRATION_TABLE, migrationLockTableName: 'migrations_lock' });
    assert.equal((await migrator.migrateToLatest()).error, undefined);
    await db.destroy();
    const googleId = 'AAAAAAAA-1111-4111-8111-AAAAAAAAAAAA';
    inspect(dataDir, (raw) => {
      const insert = raw.prepare(
        'insert into users (id, name, email, phone, login, password_hash, domain_login, is_locked, tenant_id, extensions, external_logins, lock, created_at) values (?, ?, null, null, ?, ?, null, 0, null, ?, ?, 1, ?)',
      );
      insert.run('u-1', 'Una', 'una', 'scrypt$16384$8$1$c2FsdA==$aGFzaA==', '{}', JSON.stringify([{ id: googleId, provider: 'Google', key: 'g-7' }, 'legacy-name']), '2026-01-05T10:00:00.000Z');
      insert.run('u-2', 'Otto', null, null, '{}', '[]', '2026-01-06T10:00:00.000Z');
    });

    // When this version opens it.
    const store = await createSqliteStore({ dataDir });
    t.after(() => store.close());

    // Then each credential has an id, the external login keeps its own, and the old columns are gone.
    const una = await store.getUser('u-1');
    assert.deepEqual(
      una?.credentials.map((c) => [c.kind, c.passwordHash, c.provider, c.login]),
      [
        ['password', 'scrypt$16384$8$1$c2FsdA==$aGFzaA==', null, null],
        ['external', null, 'Google', 'g-7'],
        ['external', null, null, 'legacy-name'],
      ],
    );
    const ids = una?.credentials.map((c) => c.id) ?? [];
    assert.equal(ids[1], googleId.toLowerCase());
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(new Set(ids).size, 3);
    assert.equal((await store.getUserByCredential(ids[0]!))?.id, 'u-1');
    assert.deepEqual((await store.getUser('u-2'))?.credentials, []);
    const columns = inspect(dataDir, (raw) => (raw.prepare('pragma table_info(users)').all() as { name: string }[]).map((c) => c.name));
    assert.equal(columns.includes('password_hash'), false);
    assert.equal(columns.includes('external_logins'), false);
  });
});
