/**
 * Picks the store adapter from configuration: SQLite in the data directory by default,
 * PostgreSQL (shared by any number of nodes) for a `postgres://` URL.
 */
import { WaymarkError } from '../errors/index.js';
import { createSqliteStore, SQLITE_DEFAULT_FILENAME } from './sqlite-store.js';
import type { PrivateFileWarning } from './private-files.js';
import type { Store } from './store.js';

/** The store part of Waymark's configuration. */
export interface StoreConfig {
  /** `postgres://…` / `postgresql://…` for PostgreSQL; absent or empty for the embedded SQLite. */
  readonly databaseUrl?: string;
  /** Where the SQLite file `waymark.db` lives (created when missing). */
  readonly dataDir: string;
  /** SQLite: commit steps on a writer thread (SqliteStoreOptions.stepWriterThread). */
  readonly sqliteWriterThread?: boolean;
  /** SQLite: told when the data folder or a database file was made private (SqliteStoreOptions.warn). */
  readonly warn?: PrivateFileWarning;
}

/** Opens the configured store, migrated and ready. */
export async function createStore(config: StoreConfig): Promise<Store> {
  const url = config.databaseUrl?.trim();
  if (!url) {
    return createSqliteStore({
      dataDir: config.dataDir,
      filename: SQLITE_DEFAULT_FILENAME,
      stepWriterThread: config.sqliteWriterThread === true,
      ...(config.warn === undefined ? {} : { warn: config.warn }),
    });
  }
  // Imported here so a SQLite server never loads node-postgres (see pg-driver.ts).
  if (/^postgres(ql)?:\/\//i.test(url)) return (await import('./postgres-store.js')).createPostgresStore({ url });
  // The URL may carry a password: never echo it back.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new WaymarkError(
    'WM_CONFIG_INVALID',
    `Unsupported database URL${scheme ? ` scheme '${scheme}:'` : ''}; use a postgres:// URL or leave it empty for SQLite`,
    { setting: 'databaseUrl', scheme },
  );
}
