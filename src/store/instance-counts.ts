/**
 * How many root process instances match a listing, without counting them one by one:
 * `count(*)` over 1M roots takes 25–115 ms, summing a few counter rows well under 1 ms.
 *
 * `root_instance_counts` holds the number of roots per (tenant, scheme code, status). Database
 * triggers on `instances` keep it in the transaction of the write itself, so every writer keeps
 * it exact — steps, deletes, forced scheme deletes, and direct inserts such as the bench's
 * seeding — and a write that rolls back rolls its counts back. A trigger fires only when a row
 * becomes or stops being a root of some key; subprocesses, and steps that keep status, tenant
 * and scheme, cost nothing.
 *
 * SQLite has one writer at a time: the triggers add to the key's row directly.
 *
 * PostgreSQL, where several nodes write at once, must not do that. Counter rows shared by
 * concurrent transactions deadlock: two nodes group-committing timer batches lock the same rows
 * in different orders (it stalled the 3-node test of 1,000 due timers). And one row updated many
 * times in one transaction costs quadratic time there (each update leaves a row version that
 * every later lookup walks past until commit): one statement changing the status of 100,000
 * instances ran for over 8 minutes with such counters (2 s with this log). So there the triggers only **append** a signed change to
 * `root_instance_count_deltas` (no index, no key: an insert never waits for another
 * transaction and never updates a row). A total is the sum of the counter rows plus the
 * changes, read in one statement (one snapshot), so it is exact for every committed write.
 * {@link compactRootInstanceCounts} folds the changes into the counter rows: one transaction,
 * taken only with a try-lock (never waits), that deletes the committed changes and adds them
 * up — rows no writer ever locks. A listing that finds more than
 * {@link COMPACT_AFTER_PENDING_CHANGES} changes starts it in the background.
 */
import { sql, type Kysely, type Migration, type RawBuilder, type SqlBool } from 'kysely';
import type { StoreDialect } from './migrations.js';
import type { InstanceQuery } from './store.js';

/** The counter tables as kysely sees them. */
export interface InstanceCountTables {
  root_instance_counts: {
    /** `''` for instances without a tenant, otherwise `'='` followed by the tenant id (a key column cannot be NULL). */
    tenant_key: string;
    scheme_code: string;
    status: number;
    instance_count: number;
  };
  /** PostgreSQL only: changes not yet folded into `root_instance_counts`. */
  root_instance_count_deltas: {
    tenant_key: string;
    scheme_code: string;
    status: number;
    /** +1 or −1. */
    delta: number;
  };
}

/**
 * Listings whose total is not served by the counters (searches, date ranges, subprocesses) are
 * counted over the rows, but only up to this many beyond the requested page — see
 * {@link instanceCountBound}.
 */
export const INSTANCE_COUNT_LIMIT = 10_000;

/**
 * PostgreSQL: a listing that sums more pending changes than this starts a compaction. A read
 * with 1,000 pending changes took 0.5–0.8 ms here; compacting 2,000 took 20 ms (100,000: 0.23 s),
 * off the request.
 */
export const COMPACT_AFTER_PENDING_CHANGES = 1_000;

/**
 * The PostgreSQL advisory lock (two-integer form) held by the one transaction that compacts at
 * a time; apart from the one-bigint key space of kysely's migration lock.
 */
export const COMPACTION_LOCK_KEY = [0x57_4d_43_53, 1] as const; // 'WMCS', 1

/** The counter key of a tenant id (see `tenant_key`). */
export function tenantKey(tenantId: string): string {
  return `=${tenantId}`;
}

/**
 * Whether a query's total can be read from the counters: roots only, filtered by nothing but
 * statuses, scheme code and tenant.
 */
export function isCountedByCounters(query: InstanceQuery): boolean {
  return (
    (query.rootsOnly ?? true) &&
    !query.search?.trim() &&
    query.fromCreationDate === undefined &&
    query.toCreationDate === undefined &&
    query.fromLastTransitionDate === undefined &&
    query.toLastTransitionDate === undefined
  );
}

/**
 * For a query the counters do not serve: how many matching rows are worth counting, or
 * `undefined` for all of them. Counting stops past `max(INSTANCE_COUNT_LIMIT, skip + take)`, so
 * a broad search or date range over a million instances costs a bounded scan, and the total
 * still says whether a page follows the one asked for. `take` 0 (all) counts everything: the
 * page reads every row anyway.
 */
export function instanceCountBound(query: InstanceQuery): number | undefined {
  const take = Math.floor(query.take ?? 0);
  if (take <= 0) return undefined;
  return Math.max(INSTANCE_COUNT_LIMIT, Math.max(0, Math.floor(query.skip ?? 0)) + take);
}

/** Which database the counters live in (the SqlStore's dialect kind). */
export type CounterDialect = 'sqlite' | 'postgres';

/** The key filters of a query, for the counter tables. */
function keyFilter(query: InstanceQuery): RawBuilder<SqlBool> {
  const conditions: RawBuilder<unknown>[] = [sql`true`];
  if (query.statuses !== undefined && query.statuses.length > 0) conditions.push(sql`status in (${sql.join([...query.statuses])})`);
  if (query.schemeCode !== undefined) conditions.push(sql`scheme_code = ${query.schemeCode}`);
  if (query.tenantId !== undefined) conditions.push(sql`tenant_key = ${tenantKey(query.tenantId)}`);
  return sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
}

/** Compactions running, per database handle: at most one each. */
const compactionsRunning = new WeakSet<object>();

/**
 * The exact number of root instances matching a query for which `isCountedByCounters` holds.
 * PostgreSQL: the counter rows plus the pending changes, in one statement; starts a background
 * compaction when the changes have piled up.
 */
export async function countRootInstances(db: Kysely<InstanceCountTables>, query: InstanceQuery, dialect: CounterDialect): Promise<number> {
  const filter = keyFilter(query);
  if (dialect === 'sqlite') {
    const { rows } = await sql<{ total: number | null }>`select sum(instance_count) as total from root_instance_counts where ${filter}`.execute(db);
    return Number(rows[0]?.total ?? 0);
  }
  // sum() and count() are bigints, which pg returns as strings.
  const { rows } = await sql<{ total: string; pending: string }>`
    select counted.total + changes.total as total, changes.pending
    from (select coalesce(sum(instance_count), 0) as total from root_instance_counts where ${filter}) as counted,
         (select coalesce(sum(delta) filter (where ${filter}), 0) as total, count(*) as pending from root_instance_count_deltas) as changes`.execute(db);
  const row = rows[0];
  if (row !== undefined && Number(row.pending) > COMPACT_AFTER_PENDING_CHANGES && !compactionsRunning.has(db)) {
    compactionsRunning.add(db);
    // Off the request. A compaction that fails (store closing, connection lost) loses nothing:
    // the changes stay, and a later listing starts another.
    compactRootInstanceCounts(db)
      .catch(() => 0)
      .finally(() => compactionsRunning.delete(db));
  }
  return Number(row?.total ?? 0);
}

/**
 * The number of root instances per status, over every tenant and scheme, from the counters (and on
 * PostgreSQL the pending changes), in one statement. Statuses without instances are absent.
 */
export async function countRootInstancesByStatus(db: Kysely<InstanceCountTables>, dialect: CounterDialect): Promise<Map<number, number>> {
  const { rows } =
    dialect === 'sqlite'
      ? await sql<{ status: number; total: number | string }>`select status, sum(instance_count) as total from root_instance_counts group by status`.execute(db)
      : await sql<{ status: number; total: number | string }>`
          select status, sum(total) as total from (
            select status, instance_count as total from root_instance_counts
            union all select status, delta as total from root_instance_count_deltas) as counted
          group by status`.execute(db);
  return new Map(rows.map((row) => [Number(row.status), Number(row.total)]));
}

/**
 * PostgreSQL: folds the committed pending changes into the counter rows, in one transaction.
 * Returns how many changes it folded, or 0 when another transaction is compacting (it does not
 * wait for it). Totals read at any moment stay exact: the changes leave the log and enter the
 * counters in the same commit, and changes of transactions still running are not visible to it,
 * so it leaves them.
 */
export async function compactRootInstanceCounts(db: Kysely<InstanceCountTables>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const [key, subKey] = COMPACTION_LOCK_KEY;
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${sql.lit(key)}, ${sql.lit(subKey)}) as locked`.execute(trx);
    if (rows[0]?.locked !== true) return 0;
    const folded = await sql<{ changes: string }>`
      with moved as (delete from root_instance_count_deltas returning tenant_key, scheme_code, status, delta),
        summed as (select tenant_key, scheme_code, status, sum(delta) as delta, count(*) as changes from moved group by 1, 2, 3),
        added as (
          insert into root_instance_counts (tenant_key, scheme_code, status, instance_count)
          select tenant_key, scheme_code, status, delta from summed
          on conflict (tenant_key, scheme_code, status) do update set instance_count = root_instance_counts.instance_count + excluded.instance_count)
      select coalesce(sum(changes), 0) as changes from summed`.execute(trx);
    return Number(folded.rows[0]?.changes ?? 0);
  });
}

const KEY_COLUMNS = 'tenant_key, scheme_code, status';

function sqliteStatements(): string[] {
  const tenant = (row: 'new' | 'old') => `case when ${row}.tenant_id is null then '' else '=' || ${row}.tenant_id end`;
  const add = (row: 'new' | 'old', delta: '+ 1' | '- 1') =>
    `insert into root_instance_counts (${KEY_COLUMNS}, instance_count)
       select ${tenant(row)}, ${row}.scheme_code, ${row}.status, 0 ${delta} where ${row}.parent_process_id is null
       on conflict (${KEY_COLUMNS}) do update set instance_count = instance_count ${delta};`;
  return [
    `create trigger root_instance_counts_on_insert after insert on instances for each row when new.parent_process_id is null
     begin ${add('new', '+ 1')} end`,
    `create trigger root_instance_counts_on_delete after delete on instances for each row when old.parent_process_id is null
     begin ${add('old', '- 1')} end`,
    `create trigger root_instance_counts_on_update after update of status, tenant_id, scheme_code, parent_process_id on instances for each row
     when old.status is not new.status or old.tenant_id is not new.tenant_id or old.scheme_code is not new.scheme_code
       or old.parent_process_id is not new.parent_process_id
     begin ${add('old', '- 1')} ${add('new', '+ 1')} end`,
    // In the migration's transaction: SQLite has one writer, nothing slips between.
    `insert into root_instance_counts (${KEY_COLUMNS}, instance_count)
     select case when tenant_id is null then '' else '=' || tenant_id end, scheme_code, status, count(*)
     from instances where parent_process_id is null group by 1, 2, 3`,
  ];
}

function postgresStatements(): string[] {
  const change = (row: 'new' | 'old', delta: 1 | -1) =>
    `insert into root_instance_count_deltas (${KEY_COLUMNS}, delta) values (coalesce('=' || ${row}.tenant_id, ''), ${row}.scheme_code, ${row}.status, ${delta});`;
  return [
    // No key, no index: appending never waits for another transaction.
    `create table root_instance_count_deltas (tenant_key text not null, scheme_code text not null, status integer not null, delta integer not null)`,
    `create function root_instance_counts_track() returns trigger language plpgsql as $body$
     begin
       if tg_op <> 'INSERT' and old.parent_process_id is null then
         ${change('old', -1)}
       end if;
       if tg_op <> 'DELETE' and new.parent_process_id is null then
         ${change('new', 1)}
       end if;
       return null;
     end
     $body$`,
    // Creating a trigger locks out writes to instances until the migration commits, so the
    // count below sees every instance, and none changes uncounted before the triggers apply.
    `create trigger root_instance_counts_on_insert after insert on instances for each row
     when (new.parent_process_id is null) execute function root_instance_counts_track()`,
    `create trigger root_instance_counts_on_delete after delete on instances for each row
     when (old.parent_process_id is null) execute function root_instance_counts_track()`,
    `create trigger root_instance_counts_on_update after update of status, tenant_id, scheme_code, parent_process_id on instances for each row
     when (old.status is distinct from new.status or old.tenant_id is distinct from new.tenant_id
       or old.scheme_code is distinct from new.scheme_code or old.parent_process_id is distinct from new.parent_process_id)
     execute function root_instance_counts_track()`,
    `insert into root_instance_counts (${KEY_COLUMNS}, instance_count)
     select coalesce('=' || tenant_id, ''), scheme_code, status, count(*)
     from instances where parent_process_id is null group by 1, 2, 3`,
  ];
}

/**
 * Migration `0007-root-instance-counters`: the counter table (and on PostgreSQL the change log),
 * the triggers, and the counts of the instances already stored.
 */
export function instanceCountsSchema(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('root_instance_counts')
        .addColumn('tenant_key', 'text', (c) => c.notNull())
        .addColumn('scheme_code', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('instance_count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('root_instance_counts_key', ['tenant_key', 'scheme_code', 'status'])
        .execute();
      for (const statement of dialect === 'sqlite' ? sqliteStatements() : postgresStatements()) {
        await sql.raw(statement).execute(db);
      }
    },
  };
}
