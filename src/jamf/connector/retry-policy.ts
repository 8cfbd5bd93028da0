/** Statuses worth another try: the gateway or Jamf is momentarily unavailable. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** Connection failures worth another try (the request never got an answer). */
const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT',
]);

/** Attempts of one Jamf call in all (the first try and two retries). */
export const MAX_ATTEMPTS = 3;
export const BASE_DELAY_MS = 100;
export const MAX_DELAY_MS = 2_000;

/** The `code` of a thrown request error (`ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`, …), if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a thrown request error is a connection failure (retried) rather than a timeout or abort. */
export function isConnectionError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/** An HTTP date (RFC 9110 §5.6.7): IMF-fixdate, or the obsolete RFC 850 and asctime forms. */
const HTTP_DATE = /^(?:[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/**
 * `Retry-After` (delay-seconds or an HTTP date) as milliseconds from `now`; `undefined` when absent or
 * not one of those two forms (`1.5`, `-1` and other text are ignored rather than guessed at).
 */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!HTTP_DATE.test(value)) return undefined;
  const at = Date.parse(value.endsWith('GMT') ? value : `${value} GMT`); // asctime carries no zone; HTTP dates are GMT
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): exponential backoff with full jitter,
 * `100 ms × 2^(attempt-1)` at most, capped at 2 s; a `Retry-After` from the server wins when it is longer.
 */
export function backoffMs(attempt: number, retryAfter: number | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  const jittered = Math.round(random() * ceiling);
  return retryAfter !== undefined ? Math.max(retryAfter, jittered) : jittered;
}
