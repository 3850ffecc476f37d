import type { Clock } from '../services/clock.js';

/** How many failures a client may have within a window before it is refused. */
export interface RateLimitPolicy {
  readonly maxFailures: number;
  readonly windowMs: number;
}

/** Ten failures within five minutes. */
export const DEFAULT_RATE_LIMIT: RateLimitPolicy = { maxFailures: 10, windowMs: 5 * 60_000 };

// Beyond this many tracked clients the oldest are forgotten, so a flood of addresses cannot
// grow memory without bound.
const MAX_TRACKED_CLIENTS = 10_000;

/**
 * Counts failed attempts at one secret (the admin password, the API token) per client address in
 * memory: a sliding window over the injected clock. A client with `maxFailures` failures inside
 * the window is refused until the oldest of them leaves the window.
 *
 * A check that awaits (an scrypt hash, a settings read) must {@link reserveAttempt} before it
 * starts: the attempt counts as a failure from that moment, so parallel attempts cannot all pass
 * the limit while the first ones are still being checked. {@link succeeded} then clears the count.
 */
export class FailureRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: RateLimitPolicy = DEFAULT_RATE_LIMIT,
  ) {}

  /** Seconds the client must wait before trying again, or null when it may try now. */
  retryAfterSeconds(client: string): number | null {
    // Most calls come from clients that never failed: answer them without copying anything.
    if (!this.failures.has(client)) return null;
    const recent = this.recentFailures(client);
    if (recent.length < this.policy.maxFailures) return null;
    const oldest = recent[recent.length - this.policy.maxFailures] ?? this.clock.now().getTime();
    const waitMs = oldest + this.policy.windowMs - this.clock.now().getTime();
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  /**
   * Reserves one attempt of `client` before its secret is checked: returns the seconds to wait
   * when the client is refused (nothing is counted then), or null after counting the attempt as a
   * failure. Call {@link succeeded} when the secret turns out right.
   */
  reserveAttempt(client: string): number | null {
    const retryAfter = this.retryAfterSeconds(client);
    if (retryAfter !== null) return retryAfter;
    this.recordFailure(client);
    return null;
  }

  /**
   * Records one failure of `client`. Only for a check that does not await between
   * {@link retryAfterSeconds} and its verdict; any other check uses {@link reserveAttempt}.
   */
  recordFailure(client: string): void {
    const recent = this.recentFailures(client);
    recent.push(this.clock.now().getTime());
    this.failures.delete(client);
    this.failures.set(client, recent);
    if (this.failures.size > MAX_TRACKED_CLIENTS) {
      const oldestClient = this.failures.keys().next().value;
      if (oldestClient !== undefined) this.failures.delete(oldestClient);
    }
  }

  /** Forgets the failures of `client`: its secret was right. */
  succeeded(client: string): void {
    this.failures.delete(client);
  }

  private recentFailures(client: string): number[] {
    const since = this.clock.now().getTime() - this.policy.windowMs;
    const recent = (this.failures.get(client) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.failures.delete(client);
    else this.failures.set(client, recent);
    return recent;
  }
}
