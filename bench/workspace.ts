/**
 * The data directory a Waymark server under test runs on: a temporary folder with the bench
 * scheme stored, and the facts read back from its SQLite file afterwards.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { WorkflowService } from '../src/services/index.js';
import { createSqliteStore, SQLITE_DEFAULT_FILENAME } from '../src/store/index.js';

/** The bench scheme's code and the XML it is imported from. */
export const BENCH_SCHEME_CODE = 'BenchApproval';
/** The commands that take a BenchApproval instance from Draft to Done, in order, with who runs them. */
export const BENCH_PATH: readonly { readonly command: string; readonly identityId: string }[] = [
  { command: 'Submit', identityId: 'author' },
  { command: 'Approve', identityId: 'manager' },
  { command: 'Sign', identityId: 'author' },
];

/** Reads the bench scheme (vendor XML: 3 command steps, one actor rule). */
export function benchSchemeXml(): string {
  return readFileSync(new URL('./schemes/bench-approval.xml', import.meta.url), 'utf8');
}

/** A temporary data directory. */
export interface Workspace {
  readonly dataDir: string;
  readonly databaseFile: string;
  remove(): void;
}

/** Creates a data directory whose database is migrated and holds the bench scheme. */
export async function prepareWorkspace(): Promise<Workspace> {
  const dataDir = mkdtempSync(join(tmpdir(), 'waymark-bench-'));
  const store = await createSqliteStore({ dataDir });
  try {
    await new WorkflowService({ store }).saveScheme({ xml: benchSchemeXml() });
  } finally {
    await store.close();
  }
  return {
    dataDir,
    databaseFile: join(dataDir, SQLITE_DEFAULT_FILENAME),
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** What the database holds: bytes in use (page count × page size, after a WAL checkpoint) and instance counts. */
export interface DatabaseFacts {
  readonly bytes: number;
  readonly instances: number;
  readonly finalized: number;
}

/**
 * Reads the database file. With `checkpoint` (only once no server has it open) the WAL is folded
 * into the file first; without it, a reader still sees every committed page through the WAL.
 */
export function databaseFacts(databaseFile: string, checkpoint = true): DatabaseFacts {
  const database = new BetterSqlite3(databaseFile, { readonly: !checkpoint });
  try {
    if (checkpoint) database.pragma('wal_checkpoint(TRUNCATE)');
    const pages = database.pragma('page_count', { simple: true }) as number;
    const pageSize = database.pragma('page_size', { simple: true }) as number;
    const freePages = database.pragma('freelist_count', { simple: true }) as number;
    const counts = database.prepare('select count(*) as instances, coalesce(sum(status = 3), 0) as finalized from instances').get() as { instances: number; finalized: number };
    return { bytes: (pages - freePages) * pageSize, instances: counts.instances, finalized: counts.finalized };
  } finally {
    database.close();
  }
}
