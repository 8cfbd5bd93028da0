/**
 * What a server may share with other instances: each kind of state behind one interface, with an
 * in-memory version (one process) and a Redis version (a fleet). The middleware and the Jamf
 * connector depend on these interfaces only.
 */
import type { SlotLimiter } from '../../jamf/connector/types';
import type { IdempotencyStore } from './idempotency-store';

export type { IdempotencyStore, Begin, StoredResponse } from './idempotency-store';

/** A rate: at most `requests` in any window of `seconds`. */
export interface Rate {
  requests: number;
  seconds: number;
}

/** What a rate limit says of one request: admitted or not, and the figures for the rate-limit headers. */
export interface RateLimitDecision {
  allowed: boolean;
  /** The limit in force (`ratelimit-limit`). */
  limit: number;
  /** Requests left in the current window after this one (`ratelimit-remaining`). */
  remaining: number;
  /** Whole seconds until the window resets (`ratelimit-reset`). */
  resetSeconds: number;
  /** When refused: whole seconds after which the same request is admitted (`Retry-After`); 0 when allowed. */
  retryAfterSeconds: number;
}

/** One rate limit (per API token, or per account), counted per key. */
export interface RateLimitStore {
  readonly rate: Rate;
  /** Counts one request for `key` when it is within the rate; a refused request is not counted. */
  take(key: string): Promise<RateLimitDecision>;
}

/** A shared dependency whose reachability decides readiness (`/readyz`). */
export interface StoreHealth {
  /** Short name for messages, e.g. `Redis`. */
  readonly name: string;
  /** Resolves when the store answers now; rejects (quickly) when it does not. */
  ping(): Promise<void>;
}

/** What a per-account slot limiter is made from (an account's connector settings). */
export interface SlotLimiterOptions {
  /** Whose slots they are (the integrated account's id): limiters with the same key share them. */
  key: string;
  /** `max_concurrency`. */
  max: number;
  /** `max_queue`. */
  maxQueue: number;
  /** `timeout_ms`: no wait for a slot outlasts it, and a shared slot's lease is a little longer. */
  timeoutMs: number;
  /** How the 503 of a full queue names what is busy, e.g. `Jamf instance https://x.jamfcloud.com`. */
  describe: string;
}

/** Makes the slot limiter injected into an account's connector. */
export type SlotLimiterFactory = (options: SlotLimiterOptions) => SlotLimiter;

/** Everything shareable, as one bundle the composition root hands out. */
export interface SharedStores {
  idempotency: IdempotencyStore;
  rateLimit(rate: Rate, name: string): RateLimitStore;
  /** The per-account Jamf concurrency cap; whoever takes a limiter closes it (before `close()`). */
  slotLimiter: SlotLimiterFactory;
  health?: StoreHealth;
  close(): Promise<void>;
}
