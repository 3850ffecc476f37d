/**
 * The outbox queue over SQL: messages claimed in order per process, leased, retried and given up.
 */
import { sql, type Selectable } from 'kysely';
import type { JsonValue } from '../engine/types.js';
import type { OutboxMessage, OutboxMessageFilter, OutboxQueue } from './outbox-queue.js';
import type { SqlDialectFacts, WaymarkDb } from './sql-dialect-facts.js';
import { chunks, MAX_PARAMETERS_PER_STATEMENT } from './step-statements.js';
import type { OutboxMessagesTable } from './tables.js';

/** {@link OutboxQueue} over a migrated kysely database. */
export class SqlOutboxQueue implements OutboxQueue {
  constructor(
    private readonly db: WaymarkDb,
    private readonly dialect: SqlDialectFacts,
  ) {}

  async claimOutboxMessages(now: Date, leaseUntil: Date, limit: number): Promise<readonly OutboxMessage[]> {
    const nowText = now.toISOString();
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('outbox_messages as m')
        .selectAll('m')
        .where('m.failed_at', 'is', null)
        .where('m.next_attempt_at', '<=', nowText)
        .where((eb) => eb.or([eb('m.claimed_until', 'is', null), eb('m.claimed_until', '<=', nowText)]))
        .where(({ not, exists, selectFrom }) =>
          not(exists(
            selectFrom('outbox_messages as earlier')
              .select('earlier.id')
              .whereRef('earlier.process_id', '=', 'm.process_id')
              .whereRef('earlier.id', '<', 'm.id')
              .where('earlier.failed_at', 'is', null),
          )),
        )
        .orderBy('m.id')
        .limit(Math.max(0, Math.floor(limit)))
        .$if(this.dialect.rowLocks === true, (q) => q.forUpdate('m').skipLocked())
        .execute();
      for (const batch of chunks(rows.map((r) => r.id), MAX_PARAMETERS_PER_STATEMENT)) {
        await trx.updateTable('outbox_messages').set({ claimed_until: leaseUntil.toISOString() }).where('id', 'in', batch).execute();
      }
      return rows.map(outboxMessageFromRow);
    });
  }

  async completeOutboxMessage(id: number): Promise<void> {
    await this.db.deleteFrom('outbox_messages').where('id', '=', id).execute();
  }

  async failOutboxMessage(id: number, error: string, nextAttemptAt: Date, giveUp: boolean, now: Date): Promise<void> {
    await this.db
      .updateTable('outbox_messages')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_error: error,
        next_attempt_at: nextAttemptAt.toISOString(),
        claimed_until: null,
        failed_at: giveUp ? now.toISOString() : null,
      }))
      .where('id', '=', id)
      .execute();
  }

  async nextOutboxWakeAt(): Promise<Date | null> {
    // Only each process's oldest pending message counts: later ones wait for it, not for time.
    const row = await sql<{ wake: string | null }>`
      select min(case when m.claimed_until is not null and m.claimed_until > m.next_attempt_at then m.claimed_until else m.next_attempt_at end) as wake
      from outbox_messages m
      where m.failed_at is null
        and not exists (select 1 from outbox_messages earlier
                        where earlier.process_id = m.process_id and earlier.id < m.id and earlier.failed_at is null)`.execute(this.db);
    const wake = row.rows[0]?.wake;
    return wake ? new Date(wake) : null;
  }

  async listOutboxMessages(filter: OutboxMessageFilter): Promise<readonly OutboxMessage[]> {
    let query = this.db.selectFrom('outbox_messages').selectAll();
    if (filter.processId !== undefined) query = query.where('process_id', '=', filter.processId);
    if (!filter.includeFailed) query = query.where('failed_at', 'is', null);
    return (await query.orderBy('id').execute()).map(outboxMessageFromRow);
  }
}

function outboxMessageFromRow(row: Selectable<OutboxMessagesTable>): OutboxMessage {
  return {
    id: Number(row.id),
    processId: row.process_id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as JsonValue,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    failedAt: row.failed_at,
  };
}
