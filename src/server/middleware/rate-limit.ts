import type { RequestHandler, Response } from 'express';
import { ApiError } from '../../errors';
import type { RateLimitDecision, RateLimitStore } from '../stores/types';
import type { AuthLocals } from './auth';
import type { AccountLocals } from './account';

/** Where the rate-limit steps leave their decisions (`res.locals`), in the order the limits were counted. */
export interface RateLimitLocals {
  rateLimits: RateLimitDecision[];
}

/** The 429 of a rate limit, in the envelope, with `Retry-After`. */
function tooManyRequests(retryAfter: number, what: string): ApiError {
  return new ApiError(429, `Too many requests ${what}. Wait ${retryAfter} s (Retry-After) and try again.`, undefined, { 'Retry-After': String(retryAfter) });
}

/**
 * The limit that binds among a request's decisions: the one with the fewest requests remaining; on a
 * tie a refusal before an admission, then the one whose window resets last.
 */
export function bindingLimit(decisions: readonly RateLimitDecision[]): RateLimitDecision | undefined {
  const tighter = (a: RateLimitDecision, b: RateLimitDecision): boolean =>
    a.remaining !== b.remaining ? a.remaining < b.remaining : a.allowed !== b.allowed ? !a.allowed : a.resetSeconds > b.resetSeconds;
  return decisions.reduce<RateLimitDecision | undefined>((binding, d) => (!binding || tighter(d, binding) ? d : binding), undefined);
}

/** Sets `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` (Truto's names) from the binding limit of `res`. */
function setRateLimitHeaders(res: Response): void {
  const binding = bindingLimit((res.locals as Partial<RateLimitLocals>).rateLimits ?? []);
  if (!binding) return;
  res.setHeader('ratelimit-limit', String(binding.limit));
  res.setHeader('ratelimit-remaining', String(binding.remaining));
  res.setHeader('ratelimit-reset', String(binding.resetSeconds));
}

/** Which limit applies to a request, under which key, and how to name it in a refusal. */
export interface RateLimitScope {
  store: RateLimitStore;
  key: string;
  what: string;
}

/**
 * A rate-limit step: counts the request against the limit `scopeOf` names (none: passes), and refuses
 * it with 429 and `Retry-After` when it is over. The decision is added to `res.locals.rateLimits`, and the
 * rate-limit headers of the response are set from the binding one, so every answer from here on,
 * success or error, carries them.
 */
export function rateLimit(scopeOf: (res: Response) => RateLimitScope | undefined): RequestHandler {
  return (_req, res, next) => {
    const scope = scopeOf(res);
    if (!scope) {
      next();
      return;
    }
    scope.store.take(scope.key).then((decision: RateLimitDecision) => {
      const locals = res.locals as Partial<RateLimitLocals>;
      (locals.rateLimits ??= []).push(decision);
      setRateLimitHeaders(res);
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
