/**
 * How many requests this node finished, per second, over the last hour: a ring of per-second
 * counters in memory. Every finished HTTP request counts (the shell's `onResponse` hook), whatever
 * its answer — the health probes and the admin panel's own requests included. Nothing is stored:
 * a restart starts from zero, and each node counts its own requests.
 */
import type { Clock } from '../services/clock.js';

/** The longest history kept, in seconds (one hour). */
export const REQUEST_RATE_HISTORY_SECONDS = 3600;

/** Requests per second over a time range, oldest second first. */
export interface RequestRateSeries {
  /** ISO time of the first second of `perSecond`. */
  readonly from: string;
  /** One count per second; the last one is the current (still running) second. */
  readonly perSecond: readonly number[];
  /** Sum of `perSecond`. */
  readonly total: number;
  /** Average per second over the finished seconds of the range. */
  readonly averagePerSecond: number;
}

/** The per-second ring; see the module comment. */
export class RequestRateCounter {
  private readonly counts: Uint32Array;
  /** The epoch second each slot holds, so a slot left from an earlier lap reads as 0. */
  private readonly seconds: Float64Array;

  constructor(
    private readonly clock: Clock,
    private readonly historySeconds = REQUEST_RATE_HISTORY_SECONDS,
  ) {
    this.counts = new Uint32Array(historySeconds);
    this.seconds = new Float64Array(historySeconds).fill(-1);
  }

  /** Counts one finished request, in the current second. */
  record(): void {
    const second = Math.floor(this.clock.now().getTime() / 1000);
    const slot = second % this.historySeconds;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot] = (this.counts[slot] ?? 0) + 1;
  }

  /** The counts of the last `seconds` seconds (at most the history), ending with the current one. */
  series(seconds: number): RequestRateSeries {
    const length = Math.max(1, Math.min(Math.floor(seconds), this.historySeconds));
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const first = now - length + 1;
    const perSecond: number[] = [];
    let total = 0;
    for (let second = first; second <= now; second++) {
      const slot = ((second % this.historySeconds) + this.historySeconds) % this.historySeconds;
      const count = this.seconds[slot] === second ? (this.counts[slot] ?? 0) : 0;
      perSecond.push(count);
      total += count;
    }
    const finished = total - (perSecond[perSecond.length - 1] ?? 0);
    return {
      from: new Date(first * 1000).toISOString(),
      perSecond,
      total,
      averagePerSecond: length > 1 ? finished / (length - 1) : 0,
    };
  }
}
