/**
 * The embedded store: SQLite through better-sqlite3, queried with kysely's SqliteDialect.
 *
 * Durability is not traded for speed: WAL with `synchronous=FULL` means a step whose
 * `applyStep` resolved survives a kill -9 or power loss. All work shares one connection behind
 * a gate (sqlite-connection.ts) held for a whole transaction, so two steps never interleave
 * inside one.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import { WaymarkError } from '../errors/index.js';
import { migrateToLatest } from './migrations.js';
import { SqlStore } from './sql-store.js';
import { ConnectionGate, gatedSqliteDialect, sqliteDirectSql, StatementCache } from './sqlite-connection.js';
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

/** The page cache of Waymark's SQLite connection, in KiB (SQLite's stock 2 MiB). */
export const SQLITE_PAGE_CACHE_KIB = 2000;

/**
 * Durability and memory settings of a Waymark connection: WAL with a synchronous (fsynced) commit,
 * foreign keys, and SQLite's stock page cache — better-sqlite3 builds SQLite with 16 MiB, which
 * under load became resident memory with no measurable gain, since missed pages come from the
 * operating system's file cache (docs/performance.md, "Memory").
 */
export function applyConnectionPragmas(database: BetterSqlite3.Database): void {
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma(`cache_size = -${SQLITE_PAGE_CACHE_KIB}`);
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
    applyConnectionPragmas(database);
    database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  } catch (error) {
    throw new WaymarkError('WM_CONFIG_INVALID', `Cannot open the SQLite database ${location}: ${(error as Error).message}`, { location }, { cause: error });
  }

  const statements = new StatementCache(database);
  const gate = new ConnectionGate();
  const db = new Kysely<WaymarkDatabase>({ dialect: gatedSqliteDialect(database, statements, gate) });
  try {
    await migrateToLatest(db, 'sqlite', location);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new SqlStore(db, {
    kind: 'sqlite',
    isUniqueViolation: isSqliteUniqueViolation,
    direct: sqliteDirectSql(database, statements, gate),
  });
}
