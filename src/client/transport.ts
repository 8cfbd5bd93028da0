import { keepDeadlineOverBody, startDeadline, type CallDeadline } from './deadline';
import { MdmUsersNetworkError, MdmUsersTimeoutError, redact } from './errors';
import { isRetriedNetworkError, networkErrorCode, RETRIED_STATUSES, resolveRetry, retryDelayMs, type RetryOptions } from './retry-policy';

/** Options of one call; each overrides the client's default. */
export interface CallOptions {
  /**
   * The longest the call may take, in ms: every attempt, the waits between them and reading the
   * response body (for `stream`, up to the answer's headers: the stream is then read at your pace).
   * Past it the call rejects with `MdmUsersTimeoutError`. `0` means no limit.
   */
  timeoutMs?: number;
  /** Retries of 429, 503 and connections reset before an answer; `false` turns them off. */
  retry?: RetryOptions | false;
  /** Aborts the call, and the reading of a `stream` body (rejects with the signal's reason, as `fetch` does). */
  signal?: AbortSignal;
}

export interface TransportOptions {
  fetch: (input: Request) => Promise<Response>;
  timeoutMs: number;
  retry: RetryOptions | false;
  /** Strings never to let into an error (the API token). */
  secrets: readonly string[];
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** The header that makes a retried update safe: the server carries out one update per key. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Methods that are not idempotent by themselves: a retried attempt carries an `Idempotency-Key`. */
const NEEDS_KEY = new Set(['PATCH', 'POST']);

/** The call options openapi-fetch puts on the Request (it copies unknown init keys onto it). */
type CarriesCallOptions = Request & { timeoutMs?: unknown; retry?: unknown; mdmStreamBody?: unknown };

function callOptionsOf(request: Request): Pick<CallOptions, 'timeoutMs' | 'retry'> & { streamBody: boolean } {
  const carried = request as CarriesCallOptions;
  const out: Pick<CallOptions, 'timeoutMs' | 'retry'> & { streamBody: boolean } = { streamBody: carried.mdmStreamBody === true };
  if (typeof carried.timeoutMs === 'number') out.timeoutMs = carried.timeoutMs;
  if (carried.retry === false || (typeof carried.retry === 'object' && carried.retry !== null)) out.retry = carried.retry as RetryOptions | false;
  return out;
}

/** The headers of every attempt: the request's, plus one `Idempotency-Key` for the whole call when it may be retried. */
function attemptHeaders(request: Request, retried: boolean): Headers {
  const headers = new Headers(request.headers);
  if (retried && NEEDS_KEY.has(request.method.toUpperCase()) && !headers.has(IDEMPOTENCY_KEY_HEADER)) headers.set(IDEMPOTENCY_KEY_HEADER, crypto.randomUUID());
  return headers;
}

/**
 * A `fetch` for openapi-fetch that adds, around the given fetch: a deadline for the whole call
 * (attempts, waits and body), and bounded retries of 429/503 (honouring `Retry-After`) and of
 * connections reset before an answer, every attempt carrying the same `Idempotency-Key` (the caller's,
 * else a random UUID). Failures to connect become `MdmUsersNetworkError`, a passed deadline
 * `MdmUsersTimeoutError`, neither holding the token.
 */
export function createTransport(options: TransportOptions): (input: Request) => Promise<Response> {
  return async function mdmUsersFetch(request: Request): Promise<Response> {
    const perCall = callOptionsOf(request);
    const timeoutMs = perCall.timeoutMs ?? options.timeoutMs;
    const retry = resolveRetry(options.retry, perCall.retry);
    const method = request.method;
    const url = redact(request.url, options.secrets);
    const deadline = startDeadline(timeoutMs, request.signal, () => new MdmUsersTimeoutError(timeoutMs, method, url));
    const headers = attemptHeaders(request, retry !== undefined);
    try {
      for (let attempt = 0; ; attempt += 1) {
        const outcome = await attemptOnce(options.fetch, new Request(request.clone(), { signal: deadline.signal, headers }), deadline, request.signal);
        const retryable = outcome.response ? RETRIED_STATUSES.has(outcome.response.status) : isRetriedNetworkError(outcome.error);
        const wait = retry && attempt < retry.retries && retryable ? retryDelayMs(outcome.response, attempt, retry) : undefined;
        if (wait === undefined || wait > retry!.maxDelayMs || Date.now() + wait >= deadline.at) {
          if (outcome.response) return keepDeadlineOverBody(outcome.response, request.url, deadline, !perCall.streamBody);
          throw networkError(outcome.error, method, url, options.secrets);
        }
        // Discard the refused answer's body; not awaited (a tee'd body's cancel settles only when every branch is cancelled).
        outcome.response?.body?.cancel().catch(() => undefined);
        await pause(wait, deadline.signal);
      }
    } catch (err) {
      deadline.release();
      throw err;
    }
  };
}

/**
 * One attempt: its response, or the connection failure to judge for a retry. A timeout, the caller's
 * abort and a failure after our own abort are thrown as they are.
 */
async function attemptOnce(fetch: TransportOptions['fetch'], attempt: Request, deadline: CallDeadline, callerSignal: AbortSignal): Promise<{ response?: Response; error?: unknown }> {
  try {
    return { response: await Promise.race([fetch(attempt), deadline.timedOut]) };
  } catch (err) {
    if (err instanceof MdmUsersTimeoutError) throw err;
    if (callerSignal.aborted) throw err; // the caller's own abort, as fetch reports it
    if (deadline.signal.aborted) throw deadline.signal.reason;
    return { error: err };
  }
}

/**
 * Waits `ms`, or rejects with the reason of the call's signal when it aborts first (the timeout error at
 * the deadline, the caller's reason on their abort). Leaves no timer or listener behind.
 */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function networkError(err: unknown, method: string, url: string, secrets: readonly string[]): MdmUsersNetworkError {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as { name?: unknown; message?: unknown; cause?: { message?: unknown } };
  // undici reports "fetch failed" with the reason in `cause`.
  const inner = e.cause && typeof e.cause === 'object' ? e.cause : undefined;
  const message = [e.message, inner?.message].filter((m) => typeof m === 'string' && m !== '').join(': ') || 'network error';
  const code = networkErrorCode(err);
  return new MdmUsersNetworkError(method, url, redact({ name: typeof e.name === 'string' ? e.name : 'Error', message, ...(code ? { code } : {}) }, secrets));
}
