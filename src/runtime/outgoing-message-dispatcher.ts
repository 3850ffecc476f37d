/**
 * Delivers outgoing messages after commit: at least once, in order per process (a message waits
 * while an earlier one of its process is pending), claimed with a lease so two dispatchers never
 * send one message at once, retried with exponential backoff. A crash between a step's commit and
 * delivery loses nothing: the message is in the database and is sent on restart.
 */
import type { Clock } from '../services/clock.js';
import type { OutboxMessage, OutboxQueue } from '../store/store.js';
import { realSetTimer, WakeLoop, type SetTimer } from './wake-loop.js';

/** Sends one message; throws when it was not delivered (it is retried). */
export type DeliverMessage = (message: OutboxMessage) => Promise<void>;

/** Retry timing of failed deliveries. */
export interface RetryPolicy {
  /** Delay after the first failure. Default 1000 ms. */
  readonly initialDelayMs: number;
  /** Growth of the delay per failure. Default 2. */
  readonly multiplier: number;
  /** Longest delay. Default one hour. */
  readonly maxDelayMs: number;
  /** Failed attempts after which the message is given up (kept, marked failed). Default 20. */
  readonly maxAttempts: number;
}

/** The default retry policy. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelayMs: 1000, multiplier: 2, maxDelayMs: 3_600_000, maxAttempts: 20 };

/** The delay before attempt `failedAttempts + 1`. */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, failedAttempts - 1));
}

/** What the dispatcher needs. */
export interface OutgoingMessageDispatcherOptions {
  readonly queue: OutboxQueue;
  readonly deliver: DeliverMessage;
  readonly clock: Clock;
  readonly setTimer?: SetTimer;
  readonly retry?: Partial<RetryPolicy>;
  /** Longest sleep, so messages written by another process are found. Default 60 000 ms. */
  readonly maxSleepMs?: number;
  /** Messages claimed per round. Default 100. */
  readonly batchSize?: number;
  /** Messages sent at once (each of a different process). Default 8. */
  readonly concurrency?: number;
  /** How long a claim holds. Default 60 000 ms (longer than any delivery timeout). */
  readonly leaseMs?: number;
  /** Told of each failed delivery and of store errors. */
  readonly onError?: (error: unknown, message: OutboxMessage | null) => void;
}

/** Sleeps until a message is ready, then delivers ready messages in bounded batches. */
export class OutgoingMessageDispatcher {
  private readonly loop: WakeLoop;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: OutgoingMessageDispatcherOptions) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.loop = new WakeLoop({
      clock: options.clock,
      setTimer: options.setTimer ?? realSetTimer,
      maxSleepMs: options.maxSleepMs ?? 60_000,
      work: () => this.deliverBatch(),
      nextWakeAt: () => options.queue.nextOutboxWakeAt(),
      onError: (error) => options.onError?.(error, null),
    });
  }

  /** True while it runs. */
  get isRunning(): boolean {
    return this.loop.isRunning;
  }

  /** When it will next look, while it sleeps. */
  get plannedWakeAt(): Date | null {
    return this.loop.plannedWakeAt;
  }

  /** Starts delivering; messages left from before a restart go at once. */
  start(): void {
    this.loop.start();
  }

  /** Stops; resolves after the batch in progress. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** New messages were committed: deliver now. */
  messagesWritten(): void {
    this.loop.wake();
  }

  /** Resolves when no batch is running. */
  whenIdle(): Promise<void> {
    return this.loop.whenIdle();
  }

  private async deliverBatch(): Promise<boolean> {
    const { queue, clock } = this.options;
    const batchSize = this.options.batchSize ?? 100;
    const now = clock.now();
    const claimed = await queue.claimOutboxMessages(now, new Date(now.getTime() + (this.options.leaseMs ?? 60_000)), batchSize);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < claimed.length) await this.deliverOne(claimed[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 8, claimed.length) }, worker));
    // A delivered message may free the next one of its process: look again at once.
    return claimed.length > 0;
  }

  private async deliverOne(message: OutboxMessage): Promise<void> {
    try {
      await this.options.deliver(message);
    } catch (error) {
      this.options.onError?.(error, message);
      const attempts = message.attempts + 1;
      const now = this.options.clock.now();
      const giveUp = attempts >= this.retry.maxAttempts;
      await this.options.queue.failOutboxMessage(
        message.id,
        error instanceof Error ? error.message : String(error),
        new Date(now.getTime() + retryDelayMs(this.retry, attempts)),
        giveUp,
        now,
      );
      return;
    }
    await this.options.queue.completeOutboxMessage(message.id);
  }
}
