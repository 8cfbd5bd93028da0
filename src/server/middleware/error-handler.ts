import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ApiError, JamfStatusError, RemoteError, type FieldError } from '../../errors';
import type { components } from '../../../generated/mdm-users';

export type ErrorEnvelope = components['schemas']['Error'];

interface Enveloped {
  envelope: ErrorEnvelope;
  headers?: Record<string, string>;
  /** Jamf's response headers, forwarded where this server does not set the header itself. */
  remoteHeaders?: Record<string, string>;
}

/** The reason phrase of a status, as the envelope's `error`. */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** Builds the envelope for a status and message (no remote fields). */
export function envelope(status: number, message: string, errors?: FieldError[]): ErrorEnvelope {
  const body: ErrorEnvelope = { statusCode: status, error: reasonPhrase(status), message };
  if (errors && errors.length > 0) body.errors = errors;
  return body;
}

interface ValidatorErrorItem { path?: string; message?: string; errorCode?: string }
interface StatusCarrier { status?: unknown; statusCode?: unknown; type?: unknown; code?: unknown; message?: unknown; errors?: unknown; headers?: unknown; expose?: unknown }

/** Codes of Node's zlib and brotli errors: a body that does not decompress as its Content-Encoding says. */
const DECOMPRESSION_ERROR = /^(?:Z_|ERR_BROTLI|ERR__ERROR_)/;

/** The `Allow` header a 405 from the request validator carries (RFC 9110 requires it), if any. */
function allowHeader(headers: unknown): Record<string, string> | undefined {
  const allow = typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>).Allow : undefined;
  return typeof allow === 'string' && allow !== '' ? { Allow: allow } : undefined;
}

/**
 * Turns any failure into Truto's error envelope: our own ApiError and RemoteError, the request
 * validator's errors, the body parser's errors (malformed JSON, too large) and, last, anything
 * unexpected, which becomes a 500 that says nothing of its cause (the log has it).
 */
export function toEnvelope(err: unknown): Enveloped {
  if (err instanceof RemoteError) {
    const body = envelope(err.status, err.message);
    body.truto_is_remote_error = true;
    body.raw_response = err.rawResponse;
    return { envelope: body, ...(err.headers ? { headers: err.headers } : {}), ...(err instanceof JamfStatusError ? { remoteHeaders: err.remoteHeaders } : {}) };
  }
  if (err instanceof ApiError) {
    return { envelope: envelope(err.status, err.message, err.errors), ...(err.headers ? { headers: err.headers } : {}) };
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as StatusCarrier;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const headers = status === 405 ? allowHeader(e.headers) : undefined;
    return { envelope: clientError(status, e), ...(headers ? { headers } : {}) };
  }
  return { envelope: envelope(500, 'The server failed unexpectedly. The x-request-id header names the request in the server log.') };
}

function clientError(status: number, e: StatusCarrier): ErrorEnvelope {
  switch (e.type) {
    case 'entity.parse.failed':
      return envelope(400, `The request body is not valid JSON: ${String(e.message)}. Send a JSON object.`);
    case 'entity.too.large':
      return envelope(413, 'The request body is larger than this server accepts. Send a smaller body.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return envelope(415, `${String(e.message)}. Send the body as UTF-8 JSON.`);
    case 'request.aborted':
      return envelope(400, 'The request was aborted before its body was received.');
    default:
      break;
  }
  if (typeof e.code === 'string' && DECOMPRESSION_ERROR.test(e.code)) {
    return envelope(400, 'The request body could not be decompressed as its Content-Encoding says. Send it compressed that way, or uncompressed without Content-Encoding.');
  }
  const items = Array.isArray(e.errors) ? (e.errors as ValidatorErrorItem[]) : [];
  const errors: FieldError[] = items.map((item) => ({
    path: typeof item.path === 'string' ? item.path : '',
    message: typeof item.message === 'string' ? item.message : 'is not valid',
    ...(typeof item.errorCode === 'string' ? { error_code: item.errorCode.replace(/\.openapi\.validation$/, '') } : {}),
  }));
  const message = typeof e.message === 'string' && e.message ? e.message : reasonPhrase(status);
  return envelope(status, status === 415 ? `${message}. Send the body as application/json.` : message, errors);
}

/** Writes an envelope as the response (JSON, with any headers the error carries; Jamf's where the response has none of that name, its `Date` never). */
export function sendEnvelope(res: Response, enveloped: Enveloped): void {
  for (const [name, value] of Object.entries(enveloped.remoteHeaders ?? {})) if (name !== 'date' && !res.hasHeader(name)) res.setHeader(name, value);
  if (enveloped.headers) res.set(enveloped.headers);
  res.status(enveloped.envelope.statusCode).type('application/json').json(enveloped.envelope);
}

/** The message of what caused `err` (a shared store's own error behind its 503), for the log line. */
export function causeOf(err: unknown): { cause?: string } {
  const cause = err instanceof Error ? err.cause : undefined;
  return cause instanceof Error ? { cause: cause.message } : {};
}

/** The one Express error handler: every failure becomes the envelope, and is logged. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const enveloped = toEnvelope(err);
    const status = enveloped.envelope.statusCode;
    const log = (req as { log?: Logger }).log ?? logger;
    // Our own bugs (500) at error with the stack; Jamf's failures and the server's own 503s (queue full, draining, store away) at warn,
    // the latter with the message of their cause (Redis's own answer: NOPERM, OOM, …; never a value of the request); the caller's mistakes at info.
    const remote = err instanceof RemoteError;
    if (status === 500 && !remote) log.error({ err }, 'request failed');
    else if (remote) log.warn({ status, message: enveloped.envelope.message, remote }, 'Jamf failed');
    else if (status >= 500) log.warn({ status, message: enveloped.envelope.message, remote, ...causeOf(err) }, 'request not served');
    else log.info({ status, message: enveloped.envelope.message }, 'request refused');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendEnvelope(res, enveloped);
  };
}
