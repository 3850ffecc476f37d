/**
 * The outbox-queue seam of the store: the durable queue of messages for the outside world
 * (status notifications, webhooks). A step writes its messages in its own transaction
 * ({@link StepWrite.messages}); the dispatcher claims, delivers and completes them after commit.
 */
import type { JsonValue } from '../engine/types.js';

/** A message for the outside world, written in the transaction of the step that caused it. */
export interface NewOutboxMessage {
  readonly processId: string;
  /** What to deliver: `processStatusChanged`, `processActivityChanged` or `webhook`. */
  readonly kind: string;
  readonly payload: JsonValue;
}

/** A stored outbox message, waiting for (or being given) delivery. */
export interface OutboxMessage extends NewOutboxMessage {
  readonly id: number;
  readonly createdAt: string;
  /** Delivery attempts that failed so far. */
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  /** Set when delivery was given up after too many attempts. */
  readonly failedAt: string | null;
}

/** Which outbox messages {@link OutboxQueue.listOutboxMessages} reads. */
export interface OutboxMessageFilter {
  processId?: string;
  includeFailed?: boolean;
}

/** The queue of messages delivered after commit. */
export interface OutboxQueue {
  /**
   * Claims up to `limit` messages ready at `now` (attempt due, lease lapsed, not failed), only
   * the oldest pending message of each process, leasing each until `leaseUntil`.
   */
  claimOutboxMessages(now: Date, leaseUntil: Date, limit: number): Promise<readonly OutboxMessage[]>;
  /** Removes a delivered message. */
  completeOutboxMessage(id: number): Promise<void>;
  /** Records a failed attempt: retried at `nextAttemptAt`, or given up when `giveUp`. */
  failOutboxMessage(id: number, error: string, nextAttemptAt: Date, giveUp: boolean, now: Date): Promise<void>;
  /** When the dispatcher must next look (earliest ready head message or lease end), or null. */
  nextOutboxWakeAt(): Promise<Date | null>;
  /** Messages still stored (pending or given up), oldest first. */
  listOutboxMessages(filter: OutboxMessageFilter): Promise<readonly OutboxMessage[]>;
}
