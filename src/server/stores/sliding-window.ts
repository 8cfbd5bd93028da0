import type { Rate, RateLimitDecision, RateLimitStore } from './types';

/**
 * In-process rate limit: a sliding-window counter per key (the previous window's count weighted by its
 * overlap, as common gateways do): smooth at window edges, two numbers per key.
 */
export class SlidingWindowRateLimit implements RateLimitStore {
  private readonly windows = new Map<string, { start: number; current: number; previous: number }>();
  private readonly windowMs: number;

  constructor(readonly rate: Rate, private readonly now: () => number = Date.now) {
    this.windowMs = rate.seconds * 1000;
  }

  take(key: string): Promise<RateLimitDecision> {
    return Promise.resolve(this.decide(key));
  }

  /** Counts one request for `key` when it is within the rate (a refused one is not counted). */
  decide(key: string): RateLimitDecision {
    const now = this.now();
    const start = now - (now % this.windowMs);
    let w = this.windows.get(key);
    if (!w || start - w.start >= 2 * this.windowMs) w = { start, current: 0, previous: 0 };
    else if (start !== w.start) w = { start, current: 0, previous: w.current };
    this.windows.set(key, w);
    if (this.windows.size > 10_000) this.prune(start);
    const overlap = 1 - (now - start) / this.windowMs;
    const estimate = w.previous * overlap + w.current;
    const limit = this.rate.requests;
    const resetSeconds = Math.max(1, Math.ceil((start + this.windowMs - now) / 1000));
    if (estimate + 1 > limit) return { allowed: false, limit, remaining: 0, resetSeconds, retryAfterSeconds: resetSeconds };
    w.current++;
    return { allowed: true, limit, remaining: Math.max(0, Math.floor(limit - estimate - 1)), resetSeconds, retryAfterSeconds: 0 };
  }

  private prune(start: number): void {
    for (const [key, w] of this.windows) if (start - w.start >= 2 * this.windowMs) this.windows.delete(key);
  }
}
