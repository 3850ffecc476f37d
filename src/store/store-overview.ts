/**
 * The overview seam of the store: the admin Dashboard's figures, read across the tables of
 * several seams in one snapshot and without a full scan.
 */

/** A count that stops at a bound, so it never scans a whole table. */
export interface BoundedCount {
  /** The rows counted: exact when `atLeast` is false, otherwise `bound + 1`. */
  readonly count: number;
  /** True when more rows exist than were counted: `count` means "more than `count - 1`". */
  readonly atLeast: boolean;
}

/** What the admin Dashboard shows of the store, read without a full scan ({@link StoreOverview.dashboardCounts}). */
export interface StoreDashboardCounts {
  /** Scheme codes stored (each with one or more versions). */
  readonly schemes: number;
  /** Root instances by status (the vendor's numbers; a status without instances is 0), from the counters. */
  readonly instancesByStatus: Readonly<Record<number, number>>;
  /** Armed timers not yet fired. */
  readonly pendingTimers: BoundedCount;
  /** Inbox items: an identity that may run a command of an instance. */
  readonly openUserTasks: BoundedCount;
  /** Process log entries of level `error` written at or after `since`. */
  readonly errorLogEntries: BoundedCount;
}

/** The Dashboard's read of the store. */
export interface StoreOverview {
  /**
   * The Dashboard's figures: instance counts from the counters (exact), the rest counted only up
   * to `bound` rows each (index scans that stop there), so the cost does not grow with the data.
   */
  dashboardCounts(query: { readonly errorsSince: string; readonly bound: number }): Promise<StoreDashboardCounts>;
}
