/**
 * Fills a workspace's database with many instances fast: direct inserts into the store's own
 * tables in large transactions. `seedInstances`: BenchApproval instances shaped as the engine
 * leaves one after `Submit` (Review, Idled, one history row, one outbox row, one inbox row;
 * each identity `user-N` gets `INBOX_ITEMS_PER_USER` inbox items). `seedDueTimers`: BenchTimer
 * instances whose timer falls due at one moment.
 */
import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { WorkflowService } from '../src/services/index.js';
import { createSqliteStore } from '../src/store/index.js';
import type { Progress } from './progress.js';
import { BENCH_SCHEME_CODE } from './workspace.js';

/** Inbox items each seeded identity has. */
export const INBOX_ITEMS_PER_USER = 10;
const ROWS_PER_TRANSACTION = 50_000;

/** The GUID of the `index`-th seeded instance (version-4 shape, so the dialect accepts it). */
export function seededProcessId(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

/** How many identities `instances` seeded instances are spread over. */
export function seededUserCount(instances: number): number {
  return Math.max(1, Math.ceil(instances / INBOX_ITEMS_PER_USER));
}

/** Inserts `count` instances; returns the seconds it took. */
export async function seedInstances(databaseFile: string, count: number, progress: Progress): Promise<number> {
  const database = new BetterSqlite3(databaseFile);
  const started = performance.now();
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    const scheme = database.prepare('select id, version from schemes where code = ? order by version desc limit 1').get(BENCH_SCHEME_CODE) as { id: string; version: number } | undefined;
    if (scheme === undefined) throw new Error(`the workspace has no ${BENCH_SCHEME_CODE} scheme to seed instances of`);
    const users = seededUserCount(count);
    const insertInstance = database.prepare(
      `insert into instances (id, scheme_code, scheme_id, scheme_version, tenant_id, status, activity_name, state_name,
        previous_activity_name, previous_state_name, previous_activity_for_direct, previous_state_for_direct,
        previous_activity_for_reverse, previous_state_for_reverse, parent_process_id, root_process_id,
        starting_transition_name, parameters, error_message, created_at, last_transition_at, revision)
       values (?, ?, ?, ?, null, 2, 'Review', 'Review', 'Draft', 'Draft', 'Draft', 'Draft', null, null, null, ?, null, '{}', null, ?, ?, 2)`,
    );
    const insertHistory = database.prepare(
      `insert into history (process_id, "order", from_activity_name, from_state_name, to_activity_name, to_state_name,
        trigger_type, trigger_name, transition_name, classifier, identity_id, impersonated_identity_id, is_finalised, transition_time)
       values (?, 1, 'Draft', 'Draft', 'Review', 'Review', 'Command', 'Submit', 'Draft_Review', 'Direct', 'author', null, 0, ?)`,
    );
    const insertOutbox = database.prepare(
      `insert into outbox (process_id, identity_id, command_name, activity_name, state_name, executed_at) values (?, 'author', 'Submit', 'Draft', 'Draft', ?)`,
    );
    const insertInbox = database.prepare(`insert into inbox (process_id, identity_id, commands, added_at) values (?, ?, '["Approve"]', ?)`);
    const base = Date.UTC(2026, 0, 1);
    const insertBatch = database.transaction((from: number, to: number) => {
      for (let index = from; index < to; index++) {
        const id = seededProcessId(index);
        const created = new Date(base + index * 1000).toISOString();
        const moved = new Date(base + index * 1000 + 500).toISOString();
        insertInstance.run(id, BENCH_SCHEME_CODE, scheme.id, scheme.version, id, created, moved);
        insertHistory.run(id, moved);
        insertOutbox.run(id, moved);
        insertInbox.run(id, `user-${index % users}`, moved);
      }
    });
    for (let from = 0; from < count; from += ROWS_PER_TRANSACTION) {
      insertBatch(from, Math.min(count, from + ROWS_PER_TRANSACTION));
      progress.update(`seeding: ${Math.min(count, from + ROWS_PER_TRANSACTION).toLocaleString('en-US')}/${count.toLocaleString('en-US')} instances`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    database.pragma('wal_checkpoint(TRUNCATE)');
    database.exec('analyze');
    return (performance.now() - started) / 1000;
  } finally {
    database.close();
  }
}

/** The timer scheme's code: Waiting —Timer `Due`→ Fired (final). */
export const BENCH_TIMER_SCHEME_CODE = 'BenchTimer';

/**
 * Stores `count` BenchTimer instances waiting in `Waiting`, each with its `Due` timer falling due
 * at `dueAt`. One instance is created through the WorkflowService as the template, so the rows
 * are exactly what the engine writes; the rest are copies of its rows with new ids, inserted in
 * large transactions. Returns the process ids (the template's first).
 */
export async function seedDueTimers(databaseFile: string, dataDir: string, count: number, dueAt: Date, progress: Progress): Promise<readonly string[]> {
  const store = await createSqliteStore({ dataDir });
  const templateId = seededProcessId(0);
  try {
    const service = new WorkflowService({ store });
    await service.saveScheme({ xml: readFileSync(new URL('./schemes/bench-timer.xml', import.meta.url), 'utf8') });
    await service.createInstance({ schemeCode: BENCH_TIMER_SCHEME_CODE, processId: templateId, actor: { identityId: 'author', impersonatedIdentityId: null }, parameters: [] });
  } finally {
    await store.close();
  }
  const database = new BetterSqlite3(databaseFile);
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    const copier = (table: 'instances' | 'timers', key: string) => {
      const columns = (database.prepare(`pragma table_info(${table})`).all() as { name: string }[]).map((column) => column.name);
      const template = database.prepare(`select * from ${table} where ${key} = ?`).get(templateId) as Record<string, unknown> | undefined;
      if (template === undefined) throw new Error(`the template instance has no ${table} row`);
      const insert = database.prepare(`insert into ${table} (${columns.map((name) => `"${name}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`);
      return (values: Record<string, unknown>) => insert.run(columns.map((name) => (name in values ? values[name] : template[name])));
    };
    const copyInstance = copier('instances', 'id');
    const copyTimer = copier('timers', 'process_id');
    const due = dueAt.toISOString();
    database.prepare('update timers set due_at = ? where process_id = ?').run(due, templateId);
    const ids = [templateId];
    const insertBatch = database.transaction((from: number, to: number) => {
      for (let index = from; index < to; index++) {
        const id = seededProcessId(index);
        copyInstance({ id, root_process_id: id });
        copyTimer({ process_id: id, due_at: due });
        ids.push(id);
      }
    });
    for (let from = 1; from < count; from += ROWS_PER_TRANSACTION) {
      insertBatch(from, Math.min(count, from + ROWS_PER_TRANSACTION));
      progress.update(`seeding timers: ${Math.min(count, from + ROWS_PER_TRANSACTION).toLocaleString('en-US')}/${count.toLocaleString('en-US')}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    database.pragma('wal_checkpoint(TRUNCATE)');
    database.exec('analyze');
    return ids;
  } finally {
    database.close();
  }
}
