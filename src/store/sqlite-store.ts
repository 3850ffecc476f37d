/**
 * The embedded store: SQLite through better-sqlite3, queried with kysely's SqliteDialect.
 *
 * Durability is not traded for speed: WAL with `synchronous=FULL` means a step whose
 * `applyStep` resolved survives a kill -9 or power loss. kysely's SqliteDialect serialises all
 * work on its single connection with a mutex held for a whole transaction, so two steps can
 * never interleave inside one.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect, type DialectAdapter, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { WaymarkError } from '../errors/index.js';
import { migrateToLatest } from './migrations.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './store.js';
import type { WaymarkDatabase } from './tables.js';

/** Where the SQLite database lives. */
export interface SqliteStoreOptions {
  /** Directory for the database file (created when missing). Default: the working directory. */
  readonly dataDir?: string;
  /** File name inside `dataDir`, or `':memory:'` for a throw-away database. Default `waymark.db`. */
  readonly filename?: string;
  /** How long a write waits for another process's lock before failing, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
}

/** The default database file name inside the data directory. */
export const SQLITE_DEFAULT_FILENAME = 'waymark.db';

/** Prepared statements kept per connection; kysely's SQL text is stable per query shape. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Hands kysely cached prepared statements: kysely's SQLite driver prepares every query anew,
 * and preparing costs more than running for the small queries a step makes.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(kyselySql: string): SqliteStatement {
      // kysely opens transactions with a deferred BEGIN. Every transaction here writes, and a
      // deferred one that later upgrades to a write lock fails at once with SQLITE_BUSY when
      // another process holds it, instead of waiting busy_timeout; IMMEDIATE waits up front.
      const sqlText = kyselySql === 'begin' ? 'begin immediate' : kyselySql;
      const cached = cache.get(sqlText);
      if (cached !== undefined) {
        // Re-insert so the map's order is least-recently-used first.
        cache.delete(sqlText);
        cache.set(sqlText, cached);
        return cached;
      }
      const statement = database.prepare(sqlText);
      cache.set(sqlText, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return statement;
    },
    close(): void {
      cache.clear();
      database.close();
    },
  };
}

/**
 * SQLite runs schema changes inside transactions, but kysely's SQLite adapter says it does not, so
 * its Migrator would commit every CREATE TABLE and CREATE INDEX on its own: about fifty durable
 * commits (fsyncs) when a first start creates the schema, and a crash in between left half a
 * schema that the next start could not migrate. Declaring transactional DDL makes the Migrator
 * run all pending migrations, and their records, as one transaction: all or nothing, one commit.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** kysely's SqliteDialect whose migrations run in one transaction (see TransactionalDdlSqliteAdapter). */
export class WaymarkSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

function isSqliteUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Opens (creating and migrating when needed) a SQLite store. */
export async function createSqliteStore(options: SqliteStoreOptions = {}): Promise<Store> {
  const filename = options.filename ?? SQLITE_DEFAULT_FILENAME;
  let location = ':memory:';
  if (filename !== ':memory:') {
    const directory = resolve(options.dataDir ?? '.');
    try {
      mkdirSync(directory, { recursive: true });
    } catch (error) {
      throw new WaymarkError('WM_CONFIG_INVALID', `Cannot create the data directory ${directory}: ${(error as Error).message}`, { dataDir: directory }, { cause: error });
    }
    location = join(directory, filename);
  }

  let database: BetterSqlite3.Database;
  try {
    database = new BetterSqlite3(location);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  } catch (error) {
    throw new WaymarkError('WM_CONFIG_INVALID', `Cannot open the SQLite database ${location}: ${(error as Error).message}`, { location }, { cause: error });
  }

  const db = new Kysely<WaymarkDatabase>({ dialect: new WaymarkSqliteDialect({ database: withStatementCache(database) }) });
  try {
    await migrateToLatest(db, 'sqlite', location);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new SqlStore(db, { kind: 'sqlite', isUniqueViolation: isSqliteUniqueViolation });
}
