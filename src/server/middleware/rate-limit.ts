import type { RequestHandler, Response } from 'express';
import { ApiError } from '../../errors';
import type { RateLimitDecision, RateLimitStore } from '../stores/types';
import type { AuthLocals } from './auth';
import type { AccountLocals } from './account';

/** The 429 of a rate limit, in the envelope, with `Retry-After`. */
export function tooManyRequests(retryAfter: number, what: string): ApiError {
  return new ApiError(429, `Too many requests ${what}. Wait ${retryAfter} s (Retry-After) and try again.`, undefined, { 'Retry-After': String(retryAfter) });
}

/** Which limit applies to a request, under which key, and how to name it in a refusal. */
export interface RateLimitScope {
  store: RateLimitStore;
  key: string;
  what: string;
}

/**
 * A rate-limit step: counts the request against the limit `scopeOf` names (none: passes), and refuses
 * it with 429 and `Retry-After` when it is over. The decision is left in `res.locals.rateLimit`.
 */
export function rateLimit(scopeOf: (res: Response) => RateLimitScope | undefined): RequestHandler {
  return (_req, res, next) => {
    const scope = scopeOf(res);
    if (!scope) {
      next();
      return;
    }
    scope.store.take(scope.key).then((decision: RateLimitDecision) => {
      (res.locals as { rateLimit?: RateLimitDecision }).rateLimit = decision;
      const { rate } = scope.store;
      next(decision.allowed ? undefined : tooManyRequests(decision.retryAfterSeconds, `${scope.what} (at most ${rate.requests} per ${rate.seconds} s)`));
    }, next);
  };
}

/** Limits requests per API token (keyed by the token's name from the auth step, never the token itself). */
export function perTokenRateLimit(store: RateLimitStore | undefined): RequestHandler {
  return rateLimit((res) => store && { store, key: (res.locals as Partial<AuthLocals>).apiTokenId ?? '', what: 'for this API token' });
}

/** Limits requests per integrated account that sets `rate_limit` (after the account step found it). */
export function perAccountRateLimit(): RequestHandler {
  return rateLimit((res) => {
    const account = (res.locals as Partial<AccountLocals>).account;
    return account?.rateLimit && { store: account.rateLimit, key: account.id, what: `for integrated account ${account.id}` };
  });
}
