import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Rate, RateLimitDecision, RateLimitStore } from './types';

/**
 * A rate limit counted by a rate-limiter-flexible limiter: a fixed window per key that opens with the
 * key's first request and lasts `rate.seconds`; at most `rate.requests` are admitted in it. The
 * store's own expiry ends the window, so `Retry-After` is exact: a refused request repeated after
 * `retryAfterSeconds` falls in a new window and is admitted. (A fixed window lets up to twice the
 * rate through across a window edge; in exchange one atomic counter per key serves any number of
 * instances.) This class owns rate-limiter-flexible's way of answering: resolved = admitted,
 * rejected with a `RateLimiterRes` = refused, rejected with anything else = the store failed.
 */
export class FlexibleRateLimit implements RateLimitStore {
  constructor(
    readonly rate: Rate,
    private readonly limiter: RateLimiterAbstract,
    private readonly storeFailed: (err: unknown) => Error = (err) => (err instanceof Error ? err : new Error(String(err))),
  ) {}

  async take(key: string): Promise<RateLimitDecision> {
    let outcome: { allowed: boolean; res: RateLimiterRes };
    try {
      outcome = { allowed: true, res: await this.limiter.consume(key) };
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw this.storeFailed(err);
      outcome = { allowed: false, res: err };
    }
    return decision(this.rate.requests, outcome.allowed, outcome.res);
  }
}

/** The figures of one decision; a refused request is told to come back when the window has ended. */
function decision(limit: number, allowed: boolean, res: RateLimiterRes): RateLimitDecision {
  const resetSeconds = Math.max(0, Math.ceil(res.msBeforeNext / 1000));
  if (!allowed) return { allowed, limit, remaining: 0, resetSeconds, retryAfterSeconds: Math.max(1, resetSeconds) };
  return { allowed, limit, remaining: Math.max(0, res.remainingPoints), resetSeconds, retryAfterSeconds: 0 };
}

/** The in-process rate limit, with the same fixed-window semantics as the Redis one (rate-limiter-flexible's RateLimiterMemory). */
export function memoryRateLimit(rate: Rate, name: string): RateLimitStore {
  return new FlexibleRateLimit(rate, new RateLimiterMemory({ keyPrefix: name, points: rate.requests, duration: rate.seconds }));
}
