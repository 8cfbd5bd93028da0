import { MdmUsersNetworkError, MdmUsersTimeoutError, parseRetryAfterSeconds, redact } from './errors';

/** Retries of the answers that say "not now" (429 Too Many Requests, 503 Service Unavailable). */
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

/** Options of one call; each overrides the client's default. */
export interface CallOptions {
  /**
   * The longest the call may take, in ms: every attempt, the waits between them and reading the
   * response body. Past it the call rejects with `MdmUsersTimeoutError`. `0` means no limit.
   */
  timeoutMs?: number;
  /** Retries of 429 and 503 honouring `Retry-After`; `false` turns them off. */
  retry?: RetryOptions | false;
  /** Aborts the call (rejects with the signal's reason, as `fetch` does). */
  signal?: AbortSignal;
}

export interface TransportOptions {
  fetch: (input: Request) => Promise<Response>;
  timeoutMs: number;
  retry: RetryOptions | false;
  /** Strings never to let into an error (the API token). */
  secrets: readonly string[];
  /** Waits `ms`; replaceable in tests. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRY: Required<RetryOptions> = { retries: 2, maxDelayMs: 10_000, baseDelayMs: 500 };
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** The call options openapi-fetch puts on the Request (it copies unknown init keys onto it). */
type CarriesCallOptions = Request & { timeoutMs?: unknown; retry?: unknown };

function callOptionsOf(request: Request): Pick<CallOptions, 'timeoutMs' | 'retry'> {
  const carried = request as CarriesCallOptions;
  const out: Pick<CallOptions, 'timeoutMs' | 'retry'> = {};
  if (typeof carried.timeoutMs === 'number') out.timeoutMs = carried.timeoutMs;
  if (carried.retry === false || (typeof carried.retry === 'object' && carried.retry !== null)) out.retry = carried.retry as RetryOptions | false;
  return out;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A `fetch` for openapi-fetch that adds, around the given fetch: a deadline for the whole call
 * (attempts, waits and body), and bounded retries of 429/503 that honour `Retry-After`. Failures to
 * connect become `MdmUsersNetworkError`, a passed deadline `MdmUsersTimeoutError`, neither holding the token.
 */
export function createTransport(options: TransportOptions): (input: Request) => Promise<Response> {
  const sleep = options.sleep ?? defaultSleep;
  return async function mdmUsersFetch(request: Request): Promise<Response> {
    const perCall = callOptionsOf(request);
    const timeoutMs = perCall.timeoutMs ?? options.timeoutMs;
    const retrySetting = perCall.retry ?? options.retry;
    const retry = retrySetting === false ? undefined : { ...DEFAULT_RETRY, ...(options.retry || {}), ...retrySetting };
    const method = request.method;
    const url = redact(request.url, options.secrets);

    const deadline = timeoutMs > 0 && Number.isFinite(timeoutMs) ? Date.now() + timeoutMs : Infinity;
    // One controller aborts every attempt: on the caller's signal or at the deadline. (Not
    // AbortSignal.any, whose combined signal Node 20 may collect before it fires.)
    const abort = new AbortController();
    const onCallerAbort = (): void => abort.abort(request.signal.reason);
    if (request.signal.aborted) onCallerAbort();
    else request.signal.addEventListener('abort', onCallerAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      if (deadline === Infinity) return;
      timer = setTimeout(() => {
        const error = new MdmUsersTimeoutError(timeoutMs, method, url);
        abort.abort(error);
        reject(error);
      }, timeoutMs);
      (timer as { unref?: () => void }).unref?.(); // Node: do not keep the process alive for it
    });
    timedOut.catch(() => undefined); // handled where raced; never an unhandled rejection
    const signal = abort.signal;
    const stop = (): void => {
      if (timer) clearTimeout(timer);
      request.signal.removeEventListener('abort', onCallerAbort);
    };

    try {
      for (let attempt = 0; ; attempt += 1) {
        let response: Response;
        try {
          response = await Promise.race([options.fetch(new Request(request.clone(), { signal })), timedOut]);
        } catch (err) {
          if (err instanceof MdmUsersTimeoutError) throw err;
          if (request.signal.aborted) throw err; // the caller's own abort, as fetch reports it
          if (signal.aborted) throw signal.reason;
          throw networkError(err, method, url, options.secrets);
        }
        const wait = retry && attempt < retry.retries && RETRIED_STATUSES.has(response.status) ? retryDelayMs(response, attempt, retry) : undefined;
        if (wait === undefined || wait > retry!.maxDelayMs || Date.now() + wait >= deadline) {
          return keepDeadlineOverBody(response, request.url, stop, timedOut);
        }
        // Discard the refused answer's body; not awaited (a tee'd body's cancel settles only when every branch is cancelled).
        response.body?.cancel().catch(() => undefined);
        await Promise.race([sleep(wait), timedOut, aborted(request.signal)]);
      }
    } catch (err) {
      stop();
      throw err;
    }
  };
}

/** The wait before retry `attempt`: `Retry-After` when given, else exponential backoff with jitter. */
export function retryDelayMs(response: Response, attempt: number, retry: Required<RetryOptions>): number {
  const seconds = parseRetryAfterSeconds(response.headers.get('retry-after'));
  if (seconds !== undefined) return seconds * 1000;
  const base = retry.baseDelayMs * 2 ** attempt;
  return Math.round(base / 2 + Math.random() * (base / 2));
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function networkError(err: unknown, method: string, url: string, secrets: readonly string[]): MdmUsersNetworkError {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as { name?: unknown; message?: unknown; code?: unknown; cause?: { message?: unknown; code?: unknown } };
  // undici reports "fetch failed" with the reason in `cause`.
  const inner = e.cause && typeof e.cause === 'object' ? e.cause : undefined;
  const message = [e.message, inner?.message].filter((m) => typeof m === 'string' && m !== '').join(': ') || 'network error';
  const code = typeof inner?.code === 'string' ? inner.code : typeof e.code === 'string' ? e.code : undefined;
  return new MdmUsersNetworkError(method, url, redact({ name: typeof e.name === 'string' ? e.name : 'Error', message, ...(code ? { code } : {}) }, secrets));
}

/**
 * The response as is when it has no body; else the same response whose body stream clears the deadline
 * timer once read to its end, so a body that stalls past the deadline still fails the call. Either way
 * `url` is the request's when the fetch left it empty (as a `new Response()` of an injected fetch does).
 */
function keepDeadlineOverBody(response: Response, requestUrl: string, stop: () => void, deadline: Promise<never>): Response {
  const url = response.url || requestUrl;
  if (!response.body) {
    stop();
    if (!response.url) Object.defineProperty(response, 'url', { value: url });
    return response;
  }
  let done = false;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        // Fail a read still pending at the deadline, whether or not the fetch honours its abort signal.
        deadline.catch((err: unknown) => { if (!done) controller.error(err); });
      },
      flush() {
        done = true;
        stop();
      },
    }),
  );
  const wrapped = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperty(wrapped, 'url', { value: url });
  Object.defineProperty(wrapped, 'redirected', { value: response.redirected });
  return wrapped;
}
