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
  override readonly name = 'RemoteError';
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
