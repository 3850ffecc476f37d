/** The time source every service and the runtime use; tests inject a manual one. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only when told to: for tests and benchmarks. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }
  /** Sets the clock to an absolute time. */
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
}

/**
 * True when `now` is less than `ms` milliseconds after `since` (both epoch ms). A `now` before
 * `since` — a clock set back — is not within: whatever was kept since then counts as expired.
 */
export function isWithin(since: number, now: number, ms: number): boolean {
  return now >= since && now - since < ms;
}
