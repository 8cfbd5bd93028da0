import { parseRetryAfterSeconds } from './errors';

/** Retries of the answers that say "not now" (429, 503) and of connections reset before an answer. */
export interface RetryOptions {
  /** How many times to try again after the first attempt. Default 2. */
  retries?: number;
  /**
   * The longest wait the client accepts before a retry. A `Retry-After` longer than this is not
   * waited for: the 429/503 is the answer. Default 10 000 ms.
   */
  maxDelayMs?: number;
  /** The wait before retry n (n = 0, 1, …) when the answer has no `Retry-After`: about `baseDelayMs * 2^n`. Default 500 ms. */
  baseDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { retries: 2, maxDelayMs: 10_000, baseDelayMs: 500 };
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 503]);
/**
 * Connection failures retried: the connection was reset or closed before any answer came
 * (`ECONNRESET`, `EPIPE`, undici's `UND_ERR_SOCKET` "other side closed"). A refused connection
 * (`ECONNREFUSED`: no server) and a failure while reading the body are not retried.
 */
export const RETRIED_NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** The error code of a fetch failure: undici reports "fetch failed" with the reason in `cause`. */
export function networkErrorCode(err: unknown): string | undefined {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; cause?: { code?: unknown } };
  const inner = e.cause && typeof e.cause === 'object' ? e.cause.code : undefined;
  if (typeof inner === 'string') return inner;
  return typeof e.code === 'string' ? e.code : undefined;
}

/** Whether a failed attempt may be sent again: its connection was reset before an answer. */
export function isRetriedNetworkError(err: unknown): boolean {
  const code = networkErrorCode(err);
  return code !== undefined && RETRIED_NETWORK_CODES.has(code);
}

/** The wait before retry `attempt`: `Retry-After` when given, else exponential backoff with jitter. */
export function retryDelayMs(response: Response | undefined, attempt: number, retry: Required<RetryOptions>): number {
  const seconds = parseRetryAfterSeconds(response?.headers.get('retry-after'));
  if (seconds !== undefined) return seconds * 1000;
  const base = retry.baseDelayMs * 2 ** attempt;
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/** The effective retry settings of a call: the per-call value over the client's, `undefined` when off. */
export function resolveRetry(client: RetryOptions | false, perCall: RetryOptions | false | undefined): Required<RetryOptions> | undefined {
  const setting = perCall ?? client;
  if (setting === false) return undefined;
  const resolved = { ...DEFAULT_RETRY, ...(client || {}), ...setting };
  return resolved.retries > 0 ? resolved : undefined;
}
