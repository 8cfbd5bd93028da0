import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { ApiError } from '../../errors';
import type { AuthLocals } from './auth';
import { causeOf } from './error-handler';
import type { IdempotencyStore, StoredResponse } from '../stores/types';

/** Largest response kept for replay; a larger one is not kept (the key is released once it is sent). */
const MAX_STORED_BYTES = 1 << 20;
/**
 * 4xx outcomes that depend on the request alone, so that the same request sent again is answered the
 * same: a request Jamf or the mapping found invalid (400, 413, 415, 422), a user Jamf does not have (404),
 * a name another user holds (409), a method or resource Jamf refuses outright (405, 410). Other 4xx
 * depend on state outside the request and may change by themselves: credentials or privileges (401, 403),
 * time (408), load (429).
 */
const REPEATABLE_4XX: ReadonlySet<number> = new Set([400, 404, 405, 409, 410, 413, 415, 422]);

/** Whether an outcome is kept for replay: a 2xx, or a 4xx a retry of the same request would repeat; never a 5xx. */
export function isRepeatable(status: number): boolean {
  return (status >= 200 && status < 300) || REPEATABLE_4XX.has(status);
}

/** Response headers that describe this one exchange, not its outcome: never stored, each replay has its own. */
const PER_EXCHANGE = /^(?:x-request-id|ratelimit-.*|retry-after|date|connection|keep-alive|transfer-encoding|content-length|idempotent-replayed)$/;

/** The headers of `res` kept with its outcome (content type, Jamf's forwarded headers, …). */
function outcomeHeaders(res: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value !== undefined && !PER_EXCHANGE.test(name)) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

function captureResponse(res: Response, done: (response: StoredResponse | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  const keep = (chunk: unknown, encoding: unknown): void => {
    if (overflow || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    size += buffer.length;
    if (size > MAX_STORED_BYTES) { overflow = true; chunks.length = 0; return; }
    chunks.push(buffer);
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => { keep(chunk, rest[0]); return write(chunk, ...rest); }) as Response['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    done(overflow ? undefined : { status: res.statusCode, headers: outcomeHeaders(res), body: Buffer.concat(chunks) });
    return end(chunk, ...rest);
  }) as Response['end'];
}

/**
 * `Idempotency-Key` on the update: the first request with a key is carried out and its outcome kept when
 * a retry would repeat it ({@link isRepeatable}; otherwise the key is released and a retry is carried out
 * anew); the same key with the same request within the TTL answers that response again (status, outcome
 * headers, body byte for byte), without writing to Jamf (`Idempotent-Replayed: true`); a duplicate
 * arriving while the first runs waits for it; the same key with a different request answers 422. Keys are
 * scoped to the API token that sent them (by its name from the auth step). Runs after validation and the
 * account step, so only valid requests for a known account claim keys.
 */
export function idempotency(store: IdempotencyStore): RequestHandler {
  return async (req, res, next) => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string') {
      next();
      return;
    }
    const scopedKey = `${(res.locals as Partial<AuthLocals>).apiTokenId ?? ''}:${key}`;
    const fingerprint = createHash('sha256').update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body)}`).digest('base64url');
    const found = await store.begin(scopedKey, fingerprint);
    if (found.state === 'mismatch') {
      throw new ApiError(422, `The Idempotency-Key '${key}' was already used with a different request. Send a new key for a new update.`);
    }
    if (found.state === 'replay') {
      res.status(found.response.status).set(found.response.headers).set('Idempotent-Replayed', 'true');
      res.end(found.response.body);
      return;
    }
    let settled = false;
    const failed = (what: string) => (err: unknown): void => req.log.warn({ err: { message: (err as Error).message, ...causeOf(err) } }, what);
    captureResponse(res, (response) => {
      settled = true;
      const settle = response && isRepeatable(response.status) ? store.complete(scopedKey, response) : store.abandon(scopedKey);
      settle.catch(failed('idempotency record not saved'));
    });
    res.on('close', () => {
      if (!settled) store.abandon(scopedKey).catch(failed('idempotency claim not released'));
    });
    next();
  };
}
