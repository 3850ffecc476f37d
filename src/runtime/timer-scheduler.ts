/**
 * Fires due timers. Durable through the store: a timer is claimed with a lease before it is
 * fired, and the step that fires it replaces the instance's timers. Timers that came due while
 * the server was down fire once when it starts; a crash between claim and fire re-fires after
 * the lease lapses; two schedulers on one database never fire one timer twice.
 */
import { WaymarkError } from '../errors/index.js';
import type { ArmedTimer } from '../engine/types.js';
import type { Clock } from '../services/clock.js';
import type { Store } from '../store/store.js';
import { realSetTimer, WakeLoop, type SetTimer } from './wake-loop.js';

/** Fires one timer; false when it no longer applies (the instance left the activity). */
export type FireTimer = (timer: ArmedTimer) => Promise<boolean>;

/** What the scheduler needs. */
export interface TimerSchedulerOptions {
  readonly store: Store;
  readonly fire: FireTimer;
  readonly clock: Clock;
  readonly setTimer?: SetTimer;
  /** Longest sleep, so timers armed by another process are found. Default 60 000 ms. */
  readonly maxSleepMs?: number;
  /** Timers claimed per round. Default 200. */
  readonly batchSize?: number;
  /**
   * Timers fired at once. Default 200 (a whole batch): the store group-commits steps that are
   * submitted together, so a batch fired at once shares a few fsyncs instead of one per 8 timers.
   */
  readonly concurrency?: number;
  /** How long a claim holds before another scheduler may fire the timer. Default 60 000 ms. */
  readonly leaseMs?: number;
  /** Told when firing a timer fails (it is retried after its lease). */
  readonly onError?: (error: unknown, timer: ArmedTimer | null) => void;
}

/** Sleeps until the next timer is due, then fires every due timer in bounded batches. */
export class TimerScheduler {
  private readonly loop: WakeLoop;
  private readonly options: Required<Omit<TimerSchedulerOptions, 'onError'>> & Pick<TimerSchedulerOptions, 'onError'>;

  constructor(options: TimerSchedulerOptions) {
    this.options = {
      setTimer: realSetTimer,
      maxSleepMs: 60_000,
      batchSize: 200,
      concurrency: 200,
      leaseMs: 60_000,
      ...options,
    };
    this.loop = new WakeLoop({
      clock: options.clock,
      setTimer: this.options.setTimer,
      maxSleepMs: this.options.maxSleepMs,
      work: () => this.fireDueBatch(),
      nextWakeAt: () => this.options.store.nextTimerWakeAt(),
      onError: (error) => this.options.onError?.(error, null),
    });
  }

  /** True while the scheduler runs. */
  get isRunning(): boolean {
    return this.loop.isRunning;
  }

  /** When it will next look for due timers, while it sleeps. */
  get plannedWakeAt(): Date | null {
    return this.loop.plannedWakeAt;
  }

  /** Starts firing; timers already due fire at once. */
  start(): void {
    this.loop.start();
  }

  /** Stops firing; resolves after the batch in progress. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** A timer was armed to fall due at `dueAt`: wake then if that is earlier than planned. */
  timerArmed(dueAt: Date): void {
    this.loop.wakeAt(dueAt);
  }

  /** Resolves when no batch is running. */
  whenIdle(): Promise<void> {
    return this.loop.whenIdle();
  }

  private async fireDueBatch(): Promise<boolean> {
    const { store, clock, batchSize, leaseMs, concurrency } = this.options;
    const now = clock.now();
    const claimed = await store.claimDueTimers(now, new Date(now.getTime() + leaseMs), batchSize);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < claimed.length) {
        const timer = claimed[next++]!;
        await this.fireOne(timer);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
    return claimed.length === batchSize;
  }

  private async fireOne(timer: ArmedTimer): Promise<void> {
    try {
      const fired = await this.options.fire(timer);
      if (!fired) await this.options.store.deleteTimer(timer);
    } catch (error) {
      if (error instanceof WaymarkError && error.code === 'WM_INSTANCE_NOT_FOUND') {
        await this.options.store.deleteTimer(timer);
        return;
      }
      // The claim stays until its lease lapses; then the timer is tried again.
      this.options.onError?.(error, timer);
    }
  }
}
