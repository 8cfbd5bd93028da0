import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../../errors';
import type { Deadline } from './deadline';
import { discard, type JamfResponse } from './response';
import { backoffMs, isConnectionError, MAX_ATTEMPTS, retryAfterMs, RETRYABLE_STATUSES } from './retry-policy';

/** How {@link retrying} runs one call. */
export interface RetryOptions {
  /** The call's deadline: no retry starts that could not start before it. */
  deadline: Deadline;
  /** Turns a thrown failure (or the deadline passing during a pause) into the error to throw. */
  failure: (err: unknown) => unknown;
  /** Told before each retry's pause. */
  onRetry?: () => void;
  /** May ask for one more try at once that is not counted as an attempt (a token renewed after a 401). */
  again?: (res: JamfResponse) => boolean | Promise<boolean>;
  /** The jitter's random source (tests). */
  random?: () => number;
}

/** The pause before another attempt after a thrown failure, or `undefined` when it is final. */
function afterFailure(err: unknown, attempt: number, options: RetryOptions): number | undefined {
  if (err instanceof ApiError || options.deadline.passed || !isConnectionError(err) || attempt >= MAX_ATTEMPTS) return undefined;
  const wait = backoffMs(attempt, undefined, options.random);
  return wait < options.deadline.remaining() ? wait : undefined;
}

/** The pause before another attempt after an answer, or `undefined` when the answer is final. */
function afterAnswer(res: JamfResponse, attempt: number, options: RetryOptions): number | undefined {
  if (!RETRYABLE_STATUSES.has(res.statusCode) || attempt >= MAX_ATTEMPTS) return undefined;
  const wait = backoffMs(attempt, retryAfterMs(res.headers['retry-after']), options.random);
  return wait < options.deadline.remaining() ? wait : undefined;
}

async function pause(ms: number, options: RetryOptions): Promise<void> {
  options.onRetry?.();
  try {
    await sleep(ms, undefined, { signal: options.deadline.signal });
  } catch (err) {
    throw options.failure(err);
  }
}

/**
 * Sends with `send` until an answer is final: connection failures and 502/503/504 are tried again with
 * backoff (honouring `Retry-After`), {@link MAX_ATTEMPTS} attempts in all, within the deadline (a retry
 * that could not start before the deadline is not waited for: the last answer or failure is final).
 * Errors `send` throws as ApiError are final at once. Answers the final answer, its body unread.
 */
export async function retrying(send: () => Promise<JamfResponse>, options: RetryOptions): Promise<JamfResponse> {
  for (let attempt = 1; ; attempt++) {
    let res: JamfResponse;
    try {
      res = await send();
    } catch (err) {
      const wait = afterFailure(err, attempt, options);
      if (wait === undefined) throw options.failure(err);
      await pause(wait, options);
      continue;
    }
    if (options.again !== undefined && (await options.again(res))) {
      await discard(res);
      attempt--;
      continue;
    }
    const wait = afterAnswer(res, attempt, options);
    if (wait === undefined) return res;
    await discard(res);
    await pause(wait, options);
  }
}
