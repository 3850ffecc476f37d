/**
 * Fires due timers. Durable through the store: a timer is claimed with a lease before it is
 * fired, and the step that fires it replaces the instance's timers. Timers that came due while
 * the server was down fire once when it starts; a crash between claim and fire re-fires after
 * the lease lapses; two schedulers on one database never fire one timer twice.
 */
import { WaymarkError } from '../errors/index.js';
import type { ArmedTimer } from '../engine/types.js';
import type { Clock } from '../services/clock.js';
import type { TimerOutcome } from '../services/workflow-service.js';
import type { TimerQueue } from '../store/store.js';
import { realSetTimer, WakeLoop, type SetTimer } from './wake-loop.js';

/**
 * Fires a batch of claimed timers; for each, in order: fired, no longer applicable (the instance
 * left the activity: `fired: false`), or the error that stopped it.
 */
export type FireTimers = (timers: readonly ArmedTimer[]) => Promise<readonly TimerOutcome[]>;

/** What the scheduler needs. */
export interface TimerSchedulerOptions {
  readonly timers: TimerQueue;
  readonly fire: FireTimers;
  readonly clock: Clock;
  readonly setTimer?: SetTimer;
  /** Longest sleep, so timers armed by another process are found. Default 60 000 ms. */
  readonly maxSleepMs?: number;
  /**
   * Timers claimed, and fired together, per round. Default 200: the batch's families are read in
   * a few queries and its steps share one group commit. Larger batches cost no less CPU per timer
   * (measured up to 1,000), hold more steps in memory, and on a cluster leave fewer timers for the
   * other nodes to claim in parallel.
   */
  readonly batchSize?: number;
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
      leaseMs: 60_000,
      ...options,
    };
    this.loop = new WakeLoop({
      clock: options.clock,
      setTimer: this.options.setTimer,
      maxSleepMs: this.options.maxSleepMs,
      work: () => this.fireDueBatch(),
      nextWakeAt: () => this.options.timers.nextTimerWakeAt(),
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
    const { timers, clock, batchSize, leaseMs } = this.options;
    const now = clock.now();
    const claimed = await timers.claimDueTimers(now, new Date(now.getTime() + leaseMs), batchSize);
    if (claimed.length === 0) return false;
    // A failure of the batch as a whole (its read) reaches the loop; the claims lapse and retry.
    const outcomes = await this.options.fire(claimed);
    await Promise.all(claimed.map((timer, index) => this.settle(timer, outcomes[index])));
    return claimed.length === batchSize;
  }

  /** Deletes a timer that no longer applies; reports a failure (its claim lapses, then it retries). */
  private async settle(timer: ArmedTimer, outcome: TimerOutcome | undefined): Promise<void> {
    try {
      if (outcome === undefined) throw new WaymarkError('WM_INTERNAL', `No outcome was reported for timer ${timer.name} of process ${timer.processId}`, { processId: timer.processId });
      if ('error' in outcome) {
        if (outcome.error instanceof WaymarkError && outcome.error.code === 'WM_INSTANCE_NOT_FOUND') {
          await this.options.timers.deleteTimer(timer);
          return;
        }
        throw outcome.error;
      }
      if (!outcome.fired) await this.options.timers.deleteTimer(timer);
    } catch (error) {
      this.options.onError?.(error, timer);
    }
  }
}
