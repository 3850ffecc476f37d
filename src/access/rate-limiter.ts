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
 * Counts failed sign-ins and token requests per client address in memory (a sliding window
 * over the injected clock). A client with `maxFailures` failures inside the window is refused
 * until the oldest of them leaves the window.
 */
export class FailureRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: RateLimitPolicy = DEFAULT_RATE_LIMIT,
  ) {}

  /** Seconds the client must wait before trying again, or null when it may try now. */
  retryAfterSeconds(client: string): number | null {
    const recent = this.recentFailures(client);
    if (recent.length < this.policy.maxFailures) return null;
    const oldest = recent[recent.length - this.policy.maxFailures] ?? this.clock.now().getTime();
    const waitMs = oldest + this.policy.windowMs - this.clock.now().getTime();
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  /** Records one failure of `client`. */
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

  /** Forgets the failures of `client` (after a successful sign-in). */
  reset(client: string): void {
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
