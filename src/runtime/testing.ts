/**
 * A fake SetTimer for tests: timers run when the test advances the manual clock, never in real
 * time. Not exported from the folder's index.
 */
import type { ManualClock } from '../services/clock.js';
import type { SetTimer } from './wake-loop.js';

interface PendingTimer {
  readonly at: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** Timers driven by a ManualClock. */
export class FakeTimers {
  private pending: PendingTimer[] = [];

  constructor(private readonly clock: ManualClock) {}

  /** The SetTimer to inject. */
  readonly setTimer: SetTimer = (callback, delayMs) => {
    const timer: PendingTimer = { at: this.clock.now().getTime() + delayMs, callback, cancelled: false };
    this.pending.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };

  /** Delays (ms from now) of the timers still set, soonest first. */
  get pendingDelays(): number[] {
    const now = this.clock.now().getTime();
    return this.live().map((t) => t.at - now).sort((a, b) => a - b);
  }

  /** Moves the clock by `ms` and runs every timer that fell due, in order. */
  advance(ms: number): void {
    this.clock.advance(ms);
    this.runDue();
  }

  /** Runs every timer due at the clock's current time. */
  runDue(): void {
    const now = this.clock.now().getTime();
    for (;;) {
      const due = this.live().filter((t) => t.at <= now).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      due.cancelled = true;
      due.callback();
    }
  }

  private live(): PendingTimer[] {
    this.pending = this.pending.filter((t) => !t.cancelled);
    return this.pending;
  }
}
