import type { components } from '../../generated/mdm-users';

/** The error envelope of every error response (`statusCode`, `error`, `message`, …), as the spec types it. */
export type ErrorEnvelope = components['schemas']['Error'];

/** What replaces a secret wherever an error would hold it. */
export const REDACTED = '[redacted]';

/** A copy of `value` with every occurrence of each secret in its strings (keys included) replaced by `[redacted]`. */
export function redact<T>(value: T, secrets: readonly string[]): T {
  const live = secrets.filter((s) => s.length > 0);
  if (live.length === 0) return value;
  const seen = new WeakMap<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return live.reduce((text, secret) => text.split(secret).join(REDACTED), v);
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return seen.get(v);
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      seen.set(v, out);
      for (const item of v) out.push(walk(item));
      return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const [key, item] of Object.entries(v as Record<string, unknown>)) out[walk(key) as string] = walk(item);
    return out;
  };
  return walk(value) as T;
}

/** Where a failed call went: method and URL (the URL never carries the token; redacted all the same). */
export interface CallTarget {
  method: string;
  url: string;
}

interface HttpErrorInit extends CallTarget {
  status: number;
  envelope: ErrorEnvelope;
  headers: Record<string, string>;
}

/**
 * An error response of the API (status 4xx/5xx), thrown by `client.updateUser`. `status` tells which
 * (each status of the spec has its subclass, whose `status` is that literal, so `switch (err.status)`
 * narrows); `envelope` is the response body as the spec types it. Nothing it holds carries the API token:
 * no request object, no `Authorization` header, and the token is redacted from every string.
 */
export class MdmUsersError extends Error {
  override name = 'MdmUsersError';
  /** The HTTP status. */
  readonly status: number;
  /** The error envelope the server answered (one synthesised from the status when the body was not one). */
  readonly envelope: ErrorEnvelope;
  readonly method: string;
  readonly url: string;
  /** The response headers (lower-case names). */
  readonly headers: Record<string, string>;
  /** The server's `x-request-id`, which names the request in its log. */
  readonly requestId: string | undefined;
  /** `Retry-After` in seconds, when the response gave one (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: HttpErrorInit) {
    super(`${init.method} ${init.url} answered ${init.status} ${init.envelope.error}: ${init.envelope.message}`);
    this.status = init.status;
    this.envelope = init.envelope;
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
    this.requestId = init.headers['x-request-id'];
    this.retryAfterSeconds = parseRetryAfterSeconds(init.headers['retry-after']);
  }

  /** Whether Jamf, not this server, refused (`truto_is_remote_error: true`); `envelope.raw_response` is Jamf's body. */
  get isRemote(): boolean {
    return this.envelope.truto_is_remote_error === true;
  }

  /** The per-field problems of a validation error (400), if any. */
  get fieldErrors(): NonNullable<ErrorEnvelope['errors']> {
    return this.envelope.errors ?? [];
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, status: this.status, method: this.method, url: this.url, requestId: this.requestId, envelope: this.envelope };
  }
}

/** 400: the request is not valid (see `fieldErrors`), or Jamf's own 400. */
export class BadRequestError extends MdmUsersError { override name = 'BadRequestError'; declare readonly status: 400; }
/** 401: no or a wrong API token, or Jamf refused the account's credentials (`isRemote`). */
export class UnauthorizedError extends MdmUsersError { override name = 'UnauthorizedError'; declare readonly status: 401; }
/** 403: Jamf refused the call for the account's privileges. */
export class ForbiddenError extends MdmUsersError { override name = 'ForbiddenError'; declare readonly status: 403; }
/** 404: the integrated account is unknown to the server, or Jamf has no such user (`isRemote`). */
export class NotFoundError extends MdmUsersError { override name = 'NotFoundError'; declare readonly status: 404; }
/** 408: the server did not receive the request in time. */
export class RequestTimeoutError extends MdmUsersError { override name = 'RequestTimeoutError'; declare readonly status: 408; }
/** 409: Jamf refused the write, e.g. the new name is taken. */
export class ConflictError extends MdmUsersError { override name = 'ConflictError'; declare readonly status: 409; }
/** 413: the body is larger than the server accepts. */
export class PayloadTooLargeError extends MdmUsersError { override name = 'PayloadTooLargeError'; declare readonly status: 413; }
/** 415: the body is not JSON. */
export class UnsupportedMediaTypeError extends MdmUsersError { override name = 'UnsupportedMediaTypeError'; declare readonly status: 415; }
/** 422: the Idempotency-Key was used before with another request. */
export class UnprocessableContentError extends MdmUsersError { override name = 'UnprocessableContentError'; declare readonly status: 422; }
/** 429: rate limited; `retryAfterSeconds` says when to try again (the client retries by itself unless told not to). */
export class TooManyRequestsError extends MdmUsersError { override name = 'TooManyRequestsError'; declare readonly status: 429; }
/** 431: the request line or headers are too large. */
export class RequestHeaderFieldsTooLargeError extends MdmUsersError { override name = 'RequestHeaderFieldsTooLargeError'; declare readonly status: 431; }
/** 500: the server failed; `requestId` names the request in its log. */
export class InternalServerError extends MdmUsersError { override name = 'InternalServerError'; declare readonly status: 500; }
/** 502: Jamf failed or answered something unreadable. */
export class BadGatewayError extends MdmUsersError { override name = 'BadGatewayError'; declare readonly status: 502; }
/** 503: the account's Jamf has too many requests in flight, or the server is shutting down; see `retryAfterSeconds`. */
export class ServiceUnavailableError extends MdmUsersError { override name = 'ServiceUnavailableError'; declare readonly status: 503; }
/** 504: Jamf did not answer in time. */
export class GatewayTimeoutError extends MdmUsersError { override name = 'GatewayTimeoutError'; declare readonly status: 504; }

/** Every error response the spec lists, discriminated by `status`. */
export type MdmUsersHttpError =
  | BadRequestError | UnauthorizedError | ForbiddenError | NotFoundError | RequestTimeoutError | ConflictError
  | PayloadTooLargeError | UnsupportedMediaTypeError | UnprocessableContentError | TooManyRequestsError
  | RequestHeaderFieldsTooLargeError | InternalServerError | BadGatewayError | ServiceUnavailableError | GatewayTimeoutError;

const BY_STATUS: Record<number, new (init: HttpErrorInit) => MdmUsersError> = {
  400: BadRequestError, 401: UnauthorizedError, 403: ForbiddenError, 404: NotFoundError, 408: RequestTimeoutError,
  409: ConflictError, 413: PayloadTooLargeError, 415: UnsupportedMediaTypeError, 422: UnprocessableContentError,
  429: TooManyRequestsError, 431: RequestHeaderFieldsTooLargeError, 500: InternalServerError, 502: BadGatewayError,
  503: ServiceUnavailableError, 504: GatewayTimeoutError,
};

/** The call took longer than its `timeoutMs` (retries and their waits included). */
export class MdmUsersTimeoutError extends Error {
  override name = 'MdmUsersTimeoutError';
  constructor(readonly timeoutMs: number, readonly method: string, readonly url: string) {
    super(`${method} ${url} did not complete within ${timeoutMs} ms.`);
  }
}

/** The server could not be reached or the connection failed; `cause` is a copy of the fetch error (message redacted). */
export class MdmUsersNetworkError extends Error {
  override name = 'MdmUsersNetworkError';
  constructor(readonly method: string, readonly url: string, cause: { name: string; message: string; code?: string }) {
    super(`${method} ${url} failed: ${cause.message}`, { cause });
  }
}

/** Any failure `client.updateUser` throws. */
export type MdmUsersFailure = MdmUsersHttpError | MdmUsersError | MdmUsersTimeoutError | MdmUsersNetworkError;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function isEnvelope(body: unknown): body is ErrorEnvelope {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.statusCode === 'number' && typeof b.error === 'string' && typeof b.message === 'string';
}

/** The typed error for an error response: its envelope (or one made from the status and body text), redacted. */
export function errorFromResponse(
  target: CallTarget,
  response: { status: number; statusText?: string; headers: Headers },
  body: unknown,
  secrets: readonly string[],
): MdmUsersError {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => { headers[key.toLowerCase()] = value; });
  const envelope: ErrorEnvelope = isEnvelope(body)
    ? body
    : {
        statusCode: response.status,
        error: response.statusText || STATUS_TEXT[response.status] || 'Error',
        message: typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 2000) : `The server answered ${response.status} with no error envelope.`,
      };
  const Class = BY_STATUS[response.status] ?? MdmUsersError;
  return new Class(redact({ status: response.status, envelope, headers, method: target.method, url: target.url }, secrets));
}

/** Seconds of a `Retry-After` header (delta-seconds or an HTTP date), undefined when absent or unreadable. */
export function parseRetryAfterSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
