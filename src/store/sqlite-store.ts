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
import { keepDatabaseFilesPrivate, PRIVATE_FOLDER_MODE, type PrivateFileWarning } from './private-files.js';
import { SqlStore } from './sql-store.js';
import { ConnectionGate, gatedSqliteDialect, sqliteDirectSql } from './sqlite-connection.js';
import { applyConnectionPragmas, isSqliteUniqueViolation, StatementCache } from './sqlite-database.js';
import { SqliteStepWriter } from './sqlite-step-writer.js';
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
  /**
   * Commit steps on a writer thread with its own connection (sqlite-step-writer.ts). Default
   * false: on a 2-core machine that also runs the clients it moved CPU rather than saved it
   * (docs/performance.md, round 4). A `':memory:'` database is private to its connection and
   * always writes on the calling thread.
   */
  readonly stepWriterThread?: boolean;
  /**
   * Called with the text of every statement the connection runs (better-sqlite3's `verbose`), for
   * tests that count statements and for diagnostics. Not the writer thread's.
   */
  readonly onStatement?: (text: string) => void;
  /**
   * Told when the data folder or a database file could be read by other users and was made private
   * (see private-files.ts). The server logs it as a warning; by default it is not reported.
   */
  readonly warn?: PrivateFileWarning;
}

/** The default database file name inside the data directory. */
export const SQLITE_DEFAULT_FILENAME = 'waymark.db';

export { applyConnectionPragmas, SQLITE_PAGE_CACHE_KIB } from './sqlite-database.js';

/** Opens (creating and migrating when needed) a SQLite store. */
export async function createSqliteStore(options: SqliteStoreOptions = {}): Promise<Store> {
  const filename = options.filename ?? SQLITE_DEFAULT_FILENAME;
  let location = ':memory:';
  if (filename !== ':memory:') {
    const directory = resolve(options.dataDir ?? '.');
    try {
      mkdirSync(directory, { recursive: true, mode: PRIVATE_FOLDER_MODE });
    } catch (error) {
      throw new WaymarkError('WM_CONFIG_INVALID', `Cannot create the data directory ${directory}: ${(error as Error).message}`, { dataDir: directory }, { cause: error });
    }
    location = join(directory, filename);
    try {
      keepDatabaseFilesPrivate(directory, location, options.warn ?? (() => {}));
    } catch (error) {
      throw new WaymarkError('WM_CONFIG_INVALID', `Cannot prepare the SQLite database ${location}: ${(error as Error).message}`, { location }, { cause: error });
    }
  }

  const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000));
  let database: BetterSqlite3.Database;
  try {
    database = new BetterSqlite3(location, options.onStatement === undefined ? {} : { verbose: (text: unknown) => options.onStatement!(String(text)) });
    applyConnectionPragmas(database);
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
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
  let stepWriter: SqliteStepWriter | undefined;
  if (location !== ':memory:' && options.stepWriterThread === true) {
    // Started now, after the migrations, so it boots while the server finishes starting.
    stepWriter = new SqliteStepWriter({ location, busyTimeoutMs });
    stepWriter.start();
  }
  return new SqlStore(db, {
    kind: 'sqlite',
    isUniqueViolation: isSqliteUniqueViolation,
    direct: sqliteDirectSql(database, statements, gate),
    ...(stepWriter === undefined ? {} : { stepWriter }),
  });
}
