/**
 * The timer queue over SQL. A claim is one statement; on PostgreSQL it locks and skips the rows
 * another node is claiming at the same moment.
 */
import { sql } from 'kysely';
import type { ArmedTimer } from '../engine/types.js';
import { rowsOf } from './direct-sql.js';
import { timerFromRow } from './rows.js';
import type { SqlDialectFacts, WaymarkDb } from './sql-dialect-facts.js';
import { compareText } from './step-statements.js';
import type { TimerQueue } from './timer-queue.js';

/** {@link TimerQueue} over a migrated kysely database. */
export class SqlTimerQueue implements TimerQueue {
  constructor(
    private readonly db: WaymarkDb,
    private readonly dialect: SqlDialectFacts,
  ) {}

  async getTimers(processId: string): Promise<readonly ArmedTimer[]> {
    const rows = await this.dialect.direct.read(rowsOf('select * from "timers" where "process_id" = ? order by "due_at", "name"', [processId]));
    return rows.map((row) => timerFromRow(row as never));
  }

  async getDueTimers(now: Date, limit: number): Promise<readonly ArmedTimer[]> {
    const rows = await this.db
      .selectFrom('timers')
      .selectAll()
      .where('due_at', '<=', now.toISOString())
      .orderBy('due_at')
      .orderBy('process_id')
      .orderBy('name')
      .limit(Math.max(0, Math.floor(limit)))
      .execute();
    return rows.map(timerFromRow);
  }

  async claimDueTimers(now: Date, leaseUntil: Date, limit: number): Promise<readonly ArmedTimer[]> {
    const nowText = now.toISOString();
    // One statement picks and leases the batch. On PostgreSQL the pick locks its rows and skips
    // rows another node is claiming at the same moment, so a timer is never handed to two nodes
    // (without the lock both would read it as unclaimed); a row that node has claimed meanwhile
    // is re-checked against the lease and left out. SQLite runs one write statement at a time.
    // Ordered by due time alone, so the pick reads the due_at index and stops at `limit` rows
    // (a tie-break would sort every due timer first: all 100,000 of a burst, for every batch).
    const locking = this.dialect.rowLocks === true ? sql`for update skip locked` : sql``;
    const result = await sql<{ process_id: string; name: string; due_at: string }>`
      update timers set claimed_until = ${leaseUntil.toISOString()}
      where (process_id, name) in (
        select process_id, name from timers
        where due_at <= ${nowText} and (claimed_until is null or claimed_until <= ${nowText})
        order by due_at
        limit ${Math.max(0, Math.floor(limit))}
        ${locking})
      returning process_id, name, due_at`.execute(this.db);
    // RETURNING follows no order: oldest due first.
    return result.rows
      .map((row) => ({ processId: row.process_id, name: row.name, dueAt: row.due_at }))
      .sort((a, b) => compareText(a.dueAt, b.dueAt) || compareText(a.processId, b.processId) || compareText(a.name, b.name));
  }

  async nextTimerWakeAt(): Promise<Date | null> {
    // A claimed timer is looked at again only when its lease lapses (its firer may have died).
    const row = await sql<{ wake: string | null }>`
      select min(case when claimed_until is not null and claimed_until > due_at then claimed_until else due_at end) as wake
      from timers`.execute(this.db);
    const wake = row.rows[0]?.wake;
    return wake ? new Date(wake) : null;
  }

  async deleteTimer(timer: ArmedTimer): Promise<void> {
    await this.db
      .deleteFrom('timers')
      .where('process_id', '=', timer.processId)
      .where('name', '=', timer.name)
      .where('due_at', '=', timer.dueAt)
      .execute();
  }
}
