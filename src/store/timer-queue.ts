/**
 * The timer-queue seam of the store: the armed timers of every instance, due in time order. A
 * step arms and disarms them ({@link StepResult.timers}); the timer scheduler claims the due ones
 * and fires them through a step, which ends their lease.
 */
import type { ArmedTimer } from '../engine/types.js';

/** Where armed timers wait until they are due. */
export interface TimerQueue {
  /** The armed timers of one process, soonest first. */
  getTimers(processId: string): Promise<readonly ArmedTimer[]>;
  /** Timers due at or before `now`, oldest first. */
  getDueTimers(now: Date, limit: number): Promise<readonly ArmedTimer[]>;
  /**
   * Claims up to `limit` timers due at or before `now` whose lease (if any) has lapsed, leasing
   * each until `leaseUntil`, in one statement: two schedulers never claim the same timer.
   * Oldest due first.
   * The step that fires a timer replaces its instance's timers, which ends the lease.
   */
  claimDueTimers(now: Date, leaseUntil: Date, limit: number): Promise<readonly ArmedTimer[]>;
  /** When the scheduler must next look: the earliest due time, or lease end for a claimed timer. */
  nextTimerWakeAt(): Promise<Date | null>;
  /** Removes a timer that no longer applies (only while it still has the given due time). */
  deleteTimer(timer: ArmedTimer): Promise<void>;
}
