import { ApiError, JamfConnectionError, JamfResponseError, JamfStatusError, JamfTimeoutError } from '../../errors';
import type { Deadline } from './deadline';
import { errorCode } from './retry-policy';
import { parseStatusPage } from './status-page';
import type { CallOutcome } from './types';

/** The call a failure is named after in messages. */
export type CallName = 'token request' | 'PUT' | 'GET';

/** Who failed where, for messages: the integrated account and its Jamf origin. */
export interface Where {
  accountId: string;
  origin: string;
}

/** Response headers as undici gives them. */
export type RawHeaders = Record<string, string | string[] | undefined>;

/** The most of a Jamf body kept in an error's `raw_response`. */
const MAX_RAW_RESPONSE = 1 << 20;
/** undici's own timeouts: the answer did not come in time (504), like the deadline. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** Jamf's answers whose `Retry-After` is passed on as the envelope's own header. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);
/** Response headers never forwarded: hop-by-hop (RFC 9110 §7.6.1), body framing, cookies, challenges. */
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer',
  'content-length', 'content-encoding', 'content-type', 'set-cookie', 'www-authenticate',
]);

/** Jamf's body cut to {@link MAX_RAW_RESPONSE} characters, for `raw_response`. */
export function rawText(text: string): string {
  return text.length > MAX_RAW_RESPONSE ? text.slice(0, MAX_RAW_RESPONSE) : text;
}

/** Whether a thrown request failure means no answer came in time: the deadline passed, or undici timed out. */
function isTimeout(err: unknown, deadline: Deadline): boolean {
  const code = errorCode(err);
  return deadline.passed || (code !== undefined && TIMEOUT_CODES.has(code));
}

/**
 * A thrown failure of `call` as a remote error: 504 ({@link JamfTimeoutError}) once the deadline
 * passed or undici timed out, else 502 ({@link JamfConnectionError}); an ApiError is answered as it is.
 */
export function callFailure(err: unknown, call: CallName, deadline: Deadline, where: Where): ApiError {
  if (err instanceof ApiError) return err;
  const code = errorCode(err);
  if (isTimeout(err, deadline)) {
    return new JamfTimeoutError(`Jamf did not answer the ${call} within ${deadline.ms} ms (timeout_ms of integrated account ${where.accountId}).`, err);
  }
  const what = code ?? (err as Error | null)?.message ?? 'unknown error';
  return new JamfConnectionError(`The connection to Jamf at ${where.origin} failed during the ${call}: ${what}.`, err);
}

/** The update waited its whole deadline in line for one of the `max` connections: 504. */
export function queueTimeout(deadline: Deadline, max: number, where: Where, cause: unknown): JamfTimeoutError {
  return new JamfTimeoutError(
    `Jamf did not answer in time: the update waited ${deadline.ms} ms (timeout_ms of integrated account ${where.accountId}) for one of the ${max} connections to Jamf, all busy with slow answers.`,
    cause);
}

/** Jamf's response headers fit to forward to the caller: none hop-by-hop, of body framing, cookies or credentials. */
export function forwardableHeaders(headers: RawHeaders): Record<string, string> {
  const named = String(headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim());
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (value === undefined || NOT_FORWARDED.has(name) || named.includes(name)) continue;
    if (name.startsWith('proxy-') || name.includes('auth') || name.includes('token')) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The privilege a Jamf account needs for `call` on users. */
function usersPrivilege(call: CallName): string {
  return call === 'GET' ? 'read Users (Jamf "Users" Read privilege)' : 'update Users (Jamf "Users" Update privilege)';
}

/**
 * Jamf's error answer as a remote error with Jamf's own status (Truto's rule) and message, its body as
 * `raw_response` and its headers to forward; a 429/503 `Retry-After` also becomes the envelope's own.
 * A final 401 names both of its causes. A status that is no error (1xx, 3xx) is an unusable answer: 502.
 */
export function statusError(status: number, text: string, headers: RawHeaders, call: CallName, accountId: string): JamfStatusError | JamfResponseError {
  if (status < 400 || status > 599) {
    return new JamfResponseError(`Jamf answered the ${call} with status ${status}, which is neither a result nor an error.`, rawText(text));
  }
  const page = parseStatusPage(text);
  const jamfSays = page.message ?? page.reason;
  let message = jamfSays ?? `Jamf answered ${status} to the ${call} of integrated account ${accountId}.`;
  if (status === 401 && call !== 'token request') {
    message = `Jamf refused the ${call} with 401${jamfSays === undefined ? '' : ` (${jamfSays})`} although its token was issued after a 401: either the credentials of integrated account ${accountId} were rejected, or its Jamf account lacks the privilege to ${usersPrivilege(call)}.`;
  }
  const retryAfter = headers['retry-after'];
  const own = RETRY_AFTER_STATUSES.has(status) && retryAfter !== undefined
    ? { headers: { 'Retry-After': Array.isArray(retryAfter) ? String(retryAfter[0]) : retryAfter } }
    : undefined;
  return new JamfStatusError(status, message, rawText(text), forwardableHeaders(headers), own);
}

/** How a thrown request failure ended, for the `call` observer (as {@link callFailure} will report it). */
export function failureOutcome(err: unknown, deadline: Deadline): Exclude<CallOutcome, 'ok'> {
  if (err instanceof ApiError) return outcomeOf(err);
  return isTimeout(err, deadline) ? 'timeout' : 'connection_error';
}

/** How a failed call ended, for {@link ConnectorEvents}. */
export function outcomeOf(err: unknown): Exclude<CallOutcome, 'ok'> {
  if (err instanceof JamfTimeoutError) return 'timeout';
  if (err instanceof JamfConnectionError) return 'connection_error';
  return 'remote_error';
}
