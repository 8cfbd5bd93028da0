/** One failing field of a request, as the error envelope lists it. */
export interface FieldError {
  path: string;
  message: string;
  error_code?: string;
}

/**
 * A failure with an HTTP status that the caller should see as such (bad input, unknown account, …).
 * The server's error module turns it into the error envelope; nothing else formats errors.
 */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/**
 * A failure that comes from Jamf: the envelope carries `truto_is_remote_error: true` and Jamf's body.
 * `rawResponse` is Jamf's body as text (Jamf's errors are HTML pages) or parsed JSON.
 */
export class RemoteError extends ApiError {
  override readonly name: string = 'RemoteError';
  constructor(
    status: number,
    message: string,
    readonly rawResponse: unknown,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(status, message, undefined, options?.headers);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** Jamf did not answer in time (the call's deadline, or undici's header/body timeout): 504. */
export class JamfTimeoutError extends RemoteError {
  override readonly name: string = 'JamfTimeoutError';
  constructor(message: string, cause?: unknown) {
    super(504, message, null, cause === undefined ? undefined : { cause });
  }
}

/** The connection to Jamf failed or was reset before an answer came (after the retries): 502. */
export class JamfConnectionError extends RemoteError {
  override readonly name: string = 'JamfConnectionError';
  constructor(message: string, cause?: unknown) {
    super(502, message, null, cause === undefined ? undefined : { cause });
  }
}

/** Jamf answered a 2xx whose body cannot be read as what was asked for: 502, with the text received. */
export class JamfResponseError extends RemoteError {
  override readonly name: string = 'JamfResponseError';
  constructor(message: string, rawResponse: unknown, cause?: unknown) {
    super(502, message, rawResponse, cause === undefined ? undefined : { cause });
  }
}

/**
 * Jamf answered an error status, kept as the status of this error (Truto's rule: 422 stays 422, 503
 * stays 503). `remoteHeaders` are Jamf's response headers fit to be forwarded (no hop-by-hop, body
 * framing, cookie or credential headers); `headers` are the envelope's own (`Retry-After` of a 429/503).
 */
export class JamfStatusError extends RemoteError {
  override readonly name: string = 'JamfStatusError';
  constructor(
    status: number,
    message: string,
    rawResponse: unknown,
    readonly remoteHeaders: Record<string, string>,
    options?: { headers?: Record<string, string> },
  ) {
    super(status, message, rawResponse, options);
  }
}

/** Jamf's token endpoint refused the account's credentials (it answered 400, 401 or 403): 401. */
export class JamfCredentialsError extends JamfStatusError {
  override readonly name: string = 'JamfCredentialsError';
}
