import { ApiError } from '../../errors';

/**
 * A shared store (Redis) did not answer: the request cannot be decided safely, so it is refused with
 * 503 and `Retry-After` rather than let through (no rate limit skipped, no Jamf write without its
 * idempotency record). The message never names the store's address or credentials; `cause` keeps
 * the client's own error for logs.
 */
export class SharedStoreUnavailableError extends ApiError {
  override readonly name = 'SharedStoreUnavailableError';
  constructor(store: string, cause?: unknown) {
    super(503, `${store} (the state this server shares with its other instances) is unavailable; try again shortly.`, undefined, { 'Retry-After': '1' });
    if (cause !== undefined) this.cause = cause;
  }
}
