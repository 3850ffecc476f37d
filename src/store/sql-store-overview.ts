/**
 * The Dashboard's figures over SQL: one statement for the bounded counts, the instance counters
 * for the statuses.
 */
import { sql, type Kysely } from 'kysely';
import { countRootInstancesByStatus, type InstanceCountTables } from './instance-counts.js';
import type { SqlDialectFacts, WaymarkDb } from './sql-dialect-facts.js';
import type { BoundedCount, StoreDashboardCounts, StoreOverview } from './store-overview.js';

/** {@link StoreOverview} over a migrated kysely database. */
export class SqlStoreOverview implements StoreOverview {
  constructor(
    private readonly db: WaymarkDb,
    private readonly dialect: SqlDialectFacts,
  ) {}

  async dashboardCounts(query: { readonly errorsSince: string; readonly bound: number }): Promise<StoreDashboardCounts> {
    const bound = Math.max(1, Math.floor(query.bound));
    // One statement, so the figures come from one snapshot; each bounded count stops after
    // bound + 1 rows of its index (never a scan of the whole table).
    const countsQuery = sql<{ schemes: number | string; timers: number | string; inbox: number | string; errors: number | string }>`
      select
        (select count(distinct code) from schemes) as schemes,
        (select count(*) from (select 1 from timers limit ${bound + 1}) as counted) as timers,
        (select count(*) from (select 1 from inbox limit ${bound + 1}) as counted) as inbox,
        (select count(*) from (select 1 from logs where created_at >= ${query.errorsSince} and level = 'error' limit ${bound + 1}) as counted) as errors`;
    const [counted, byStatus] = await Promise.all([
      countsQuery.execute(this.db),
      countRootInstancesByStatus(this.db as unknown as Kysely<InstanceCountTables>, this.dialect.kind),
    ]);
    const row = counted.rows[0];
    const bounded = (value: number | string | undefined): BoundedCount => {
      const count = Number(value ?? 0);
      return { count, atLeast: count > bound };
    };
    return {
      schemes: Number(row?.schemes ?? 0),
      instancesByStatus: Object.fromEntries(byStatus),
      pendingTimers: bounded(row?.timers),
      openUserTasks: bounded(row?.inbox),
      errorLogEntries: bounded(row?.errors),
    };
  }
}
