/**
 * The node seam (node-records.ts): registration, heartbeats, losses and housekeeping of the
 * nodes sharing one database. Runs on SQLite and on PostgreSQL, each over a connection of its
 * own as the cluster opens one.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createDatabase } from '../../test/support/postgres.js';
import type { NodeRecord, NodeRecords } from './node-records.js';
import { ConnectionGate, gatedSqliteDialect, StatementCache } from './sqlite-connection.js';
import { clusterSchema, SqlNodeRecords, type NodeTables } from './sql-node-records.js';

/** Opens an empty node registry on one adapter; closed (and dropped) when the test ends. */
interface NodeRegistryFactory {
  readonly name: 'sqlite' | 'postgres';
  open(t: TestContext): Promise<NodeRecords>;
}

async function migrated(db: Kysely<NodeTables>): Promise<NodeRecords> {
  await clusterSchema().up(db as unknown as Kysely<unknown>);
  return new SqlNodeRecords(db);
}

const FACTORIES: readonly NodeRegistryFactory[] = [
  {
    name: 'sqlite',
    async open(t) {
      const database = new BetterSqlite3(':memory:');
      const db = new Kysely<NodeTables>({ dialect: gatedSqliteDialect(database, new StatementCache(database), new ConnectionGate()) });
      t.after(() => db.destroy());
      return migrated(db);
    },
  },
  {
    name: 'postgres',
    async open(t) {
      const { url, drop } = await createDatabase();
      const db = new Kysely<NodeTables>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) });
      t.after(async () => {
        await db.destroy();
        await drop();
      });
      return migrated(db);
    },
  },
];

const at = (iso: string): Date => new Date(iso);

function node(id: string, heartbeatAt: string, startedAt = '2026-01-01T00:00:00.000Z'): NodeRecord {
  return { id, host: `host-${id}`, pid: 100, startedAt, heartbeatAt, runtimeState: 'running' };
}

for (const factory of FACTORIES) {
  describe(`node records on ${factory.name}`, () => {
    it('registers nodes, refreshes heartbeats and lists them oldest first', async (t) => {
      const nodes = await factory.open(t);
      await nodes.register(node('b', '2026-01-01T00:00:05.000Z', '2026-01-01T00:00:02.000Z'));
      await nodes.register(node('a', '2026-01-01T00:00:05.000Z', '2026-01-01T00:00:01.000Z'));
      assert.deepEqual((await nodes.list()).map((n) => n.id), ['a', 'b']);

      assert.equal(await nodes.heartbeat('a', at('2026-01-01T00:01:00Z'), 'stopping'), true);
      const [a] = await nodes.list();
      assert.deepEqual(a, { ...node('a', '2026-01-01T00:01:00.000Z', '2026-01-01T00:00:01.000Z'), runtimeState: 'stopping' });
      assert.equal(await nodes.heartbeat('gone', at('2026-01-01T00:01:00Z'), 'running'), false, 'a removed row is reported');

      await nodes.register({ ...node('a', '2026-01-01T00:02:00.000Z'), runtimeState: 'running' });
      assert.equal((await nodes.list()).length, 2, 'registering again replaces the row');
      assert.equal((await nodes.list())[0]?.heartbeatAt, '2026-01-01T00:02:00.000Z');
    });

    it('marks lost the silent others once, never itself nor stopped ones, and forgets old rows', async (t) => {
      const nodes = await factory.open(t);
      await nodes.register(node('self', '2026-01-01T00:00:00.000Z'));
      await nodes.register(node('silent', '2026-01-01T00:00:00.000Z'));
      await nodes.register(node('alive', '2026-01-01T00:05:00.000Z'));
      await nodes.register(node('done', '2026-01-01T00:00:00.000Z'));
      await nodes.markStopped('done', at('2026-01-01T00:00:00Z'));

      const lost = await nodes.markLost('self', at('2026-01-01T00:01:00Z'));
      assert.deepEqual(lost.map((n) => [n.id, n.runtimeState]), [['silent', 'lost']]);
      assert.deepEqual(await nodes.markLost('self', at('2026-01-01T00:01:00Z')), [], 'a loss is reported once');

      assert.equal(await nodes.forgetOlderThan(at('2026-01-01T00:01:00Z')), 2, 'the lost and the stopped node');
      assert.deepEqual((await nodes.list()).map((n) => n.id).sort(), ['alive', 'self']);
    });
  });
}
