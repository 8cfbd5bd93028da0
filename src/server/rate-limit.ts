import type { RequestHandler } from 'express';
import { ApiError } from '../errors';
import type { AuthLocals } from './auth';

/** A rate: at most `requests` in any window of `seconds`. */
export interface Rate {
  requests: number;
  seconds: number;
}

/**
 * Reads `<requests>/<seconds>s` (e.g. `500/10s`); `off` means no limit (`undefined`).
 * @throws Error saying what a valid value looks like.
 */
export function parseRate(value: string, what: string): Rate | undefined {
  if (value.trim().toLowerCase() === 'off') return undefined;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*s\s*$/.exec(value);
  const requests = Number(match?.[1]);
  const seconds = Number(match?.[2]);
  if (!match || requests < 1 || seconds < 1 || seconds > 86_400) {
    throw new Error(`${what} must look like '500/10s' (requests per seconds) or 'off', not '${value}'.`);
  }
  return { requests, seconds };
}

/**
 * A sliding-window counter per key (the previous window's count weighted by its overlap, as common
 * gateways do): smooth at window edges, two numbers per key.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; current: number; previous: number }>();
  private readonly windowMs: number;

  constructor(readonly rate: Rate, private readonly now: () => number = Date.now) {
    this.windowMs = rate.seconds * 1000;
  }

  /** Counts one request for `key`; answers the seconds to wait when it is over the rate (and does not count it), else 0. */
  take(key: string): number {
    const now = this.now();
    const start = now - (now % this.windowMs);
    let w = this.windows.get(key);
    if (!w || start - w.start >= 2 * this.windowMs) w = { start, current: 0, previous: 0 };
    else if (start !== w.start) w = { start, current: 0, previous: w.current };
    this.windows.set(key, w);
    if (this.windows.size > 10_000) this.prune(start);
    const overlap = 1 - (now - start) / this.windowMs;
    const estimate = w.previous * overlap + w.current;
    if (estimate + 1 > this.rate.requests) {
      return Math.max(1, Math.ceil((start + this.windowMs - now) / 1000));
    }
    w.current++;
    return 0;
  }

  private prune(start: number): void {
    for (const [key, w] of this.windows) if (start - w.start >= 2 * this.windowMs) this.windows.delete(key);
  }
}

/** The 429 of a rate limit, in the envelope, with `Retry-After`. */
export function tooManyRequests(retryAfter: number, what: string): ApiError {
  return new ApiError(429, `Too many requests ${what}. Wait ${retryAfter} s (Retry-After) and try again.`, undefined, { 'Retry-After': String(retryAfter) });
}

/** Limits requests per API token (keyed by the token's name from the auth step, never the token itself). */
export function perTokenRateLimit(rate: Rate | undefined): RequestHandler {
  if (!rate) return (_req, _res, next) => next();
  const limiter = new RateLimiter(rate);
  return (_req, res, next) => {
    const wait = limiter.take((res.locals as Partial<AuthLocals>).apiTokenId ?? '');
    next(wait > 0 ? tooManyRequests(wait, `for this API token (at most ${rate.requests} per ${rate.seconds} s)`) : undefined);
  };
}
