/**
 * A loop that sleeps until it has work: one timer set to min(next wake, max sleep), never a
 * poll in a tight loop. Woken early when told of earlier work. Shared by the timer scheduler
 * and the outgoing message dispatcher.
 */
import type { Clock } from '../services/clock.js';

/** Sets a one-shot timer; returns its cancel. Injected so tests never sleep in real time. */
export type SetTimer = (callback: () => void, delayMs: number) => () => void;

/** The real timer (setTimeout). */
export const realSetTimer: SetTimer = (callback, delayMs) => {
  const handle = setTimeout(callback, delayMs);
  return () => clearTimeout(handle);
};

/** What a WakeLoop runs. */
export interface WakeLoopOptions {
  readonly clock: Clock;
  readonly setTimer: SetTimer;
  /** Longest sleep even when nothing is due, so work written by another process is found. */
  readonly maxSleepMs: number;
  /** Does one round of work; returns true when more is ready at once (a full batch). */
  readonly work: () => Promise<boolean>;
  /** When work is next ready, or null when none is known. */
  readonly nextWakeAt: () => Promise<Date | null>;
  /** Told of an error from `work` or `nextWakeAt`; the loop sleeps and tries again. */
  readonly onError: (error: unknown) => void;
}

/** Runs `work` whenever it is due, one round at a time. */
export class WakeLoop {
  private running = false;
  private round: Promise<void> | null = null;
  private runAgain = false;
  private cancelSleep: (() => void) | null = null;
  private plannedWake: number | null = null;

  constructor(private readonly options: WakeLoopOptions) {}

  /** True between start and stop. */
  get isRunning(): boolean {
    return this.running;
  }

  /** When the loop will next wake (epoch ms), while it sleeps. */
  get plannedWakeAt(): Date | null {
    return this.plannedWake === null ? null : new Date(this.plannedWake);
  }

  /** Starts the loop: it runs a round at once (work due while it was stopped is done promptly). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake();
  }

  /** Stops the loop; resolves when a round in progress has finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearSleep();
    if (this.round) await this.round;
  }

  /** Work may be ready at `at`: wake then if that is before the planned wake. */
  wakeAt(at: Date): void {
    if (!this.running) return;
    if (this.round) {
      // A round is running; it computes its next wake when done, but the new work may have
      // been written after that computation started.
      this.runAgain = true;
      return;
    }
    if (this.plannedWake !== null && at.getTime() >= this.plannedWake) return;
    this.sleepUntil(at.getTime());
  }

  /** Runs a round now. */
  wake(): void {
    this.wakeAt(new Date(0));
  }

  /** Resolves when no round is running (tests use it after advancing a fake clock). */
  async whenIdle(): Promise<void> {
    while (this.round) await this.round;
  }

  private sleepUntil(at: number): void {
    this.clearSleep();
    const delay = Math.max(0, Math.min(at - this.options.clock.now().getTime(), this.options.maxSleepMs));
    this.plannedWake = this.options.clock.now().getTime() + delay;
    this.cancelSleep = this.options.setTimer(() => {
      this.cancelSleep = null;
      this.plannedWake = null;
      this.round = this.runRounds().finally(() => {
        this.round = null;
      });
    }, delay);
  }

  private clearSleep(): void {
    this.cancelSleep?.();
    this.cancelSleep = null;
    this.plannedWake = null;
  }

  private async runRounds(): Promise<void> {
    let next: Date | null = null;
    try {
      do {
        this.runAgain = false;
        while (this.running && (await this.options.work())) {
          // A full batch: more is ready now.
        }
      } while (this.running && this.runAgain);
      if (!this.running) return;
      next = await this.options.nextWakeAt();
    } catch (error) {
      this.options.onError(error);
    }
    if (!this.running) return;
    const now = this.options.clock.now().getTime();
    // After an error the loop backs off to the max sleep instead of spinning.
    this.sleepUntil(next === null ? now + this.options.maxSleepMs : Math.max(next.getTime(), now));
  }
}
