/**
 * The deadline of one client call: one AbortController that aborts every attempt on the caller's
 * signal or when `timeoutMs` has passed, and the response body kept under it.
 */

export interface CallDeadline {
  /** Aborts every attempt (and the body read): on the caller's abort, or at the deadline with the timeout error. */
  readonly signal: AbortSignal;
  /** Rejects with the timeout error at the deadline; never settles without a deadline. */
  readonly timedOut: Promise<never>;
  /** Epoch ms of the deadline, `Infinity` when none. */
  readonly at: number;
  /** Stops the deadline timer (the caller's signal still aborts). */
  clearTimer(): void;
  /** Stops the timer and lets go of the caller's signal: the call is over. */
  release(): void;
}

/** Starts the deadline of a call; `timeoutMs` 0 (or not finite) means none. */
export function startDeadline(timeoutMs: number, callerSignal: AbortSignal, timeoutError: () => Error): CallDeadline {
  const at = timeoutMs > 0 && Number.isFinite(timeoutMs) ? Date.now() + timeoutMs : Infinity;
  // One controller for every attempt (not AbortSignal.any, whose combined signal Node 20 may collect before it fires).
  const abort = new AbortController();
  const onCallerAbort = (): void => abort.abort(callerSignal.reason);
  if (callerSignal.aborted) onCallerAbort();
  else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    if (at === Infinity) return;
    timer = setTimeout(() => {
      const error = timeoutError();
      abort.abort(error);
      reject(error);
    }, timeoutMs);
    (timer as { unref?: () => void }).unref?.(); // Node: do not keep the process alive for it
  });
  timedOut.catch(() => undefined); // handled where raced; never an unhandled rejection
  const clearTimer = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return {
    signal: abort.signal,
    timedOut,
    at,
    clearTimer,
    release(): void {
      clearTimer();
      callerSignal.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * The response as is when it has no body; else the same response whose body fails when the call's
 * signal aborts (even if the fetch ignores its signal) and releases the deadline once read to its end.
 * With `coversBody` false the deadline stops here, at the headers: the body is read at the reader's
 * pace, and only the caller's signal ends it. `url` is set to the request's when the fetch left it empty.
 */
export function keepDeadlineOverBody(response: Response, requestUrl: string, deadline: CallDeadline, coversBody: boolean): Response {
  const url = response.url || requestUrl;
  if (!response.body) {
    deadline.release();
    if (!response.url) Object.defineProperty(response, 'url', { value: url });
    return response;
  }
  if (!coversBody) deadline.clearTimer();
  let done = false;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        const fail = (): void => { if (!done) controller.error(deadline.signal.reason); };
        if (deadline.signal.aborted) fail();
        else deadline.signal.addEventListener('abort', fail, { once: true });
      },
      flush() {
        done = true;
        deadline.release();
      },
    }),
  );
  const wrapped = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperty(wrapped, 'url', { value: url });
  Object.defineProperty(wrapped, 'redirected', { value: response.redirected });
  return wrapped;
}
