import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { ApiError } from '../../errors';
import type { AuthLocals } from './auth';
import type { IdempotencyStore, StoredResponse } from '../stores/types';

/** Largest response kept for replay; a larger one is not kept (the key is released once it is sent). */
const MAX_STORED_BYTES = 1 << 20;
/** Outcomes a retry may change: not kept, so a retry with the same key is carried out anew. */
const RETRYABLE = (status: number): boolean => status >= 500 || status === 429 || status === 408;

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
    const headers: Record<string, string> = {};
    for (const name of ['content-type']) {
      const value = res.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    done(overflow ? undefined : { status: res.statusCode, headers, body: Buffer.concat(chunks) });
    return end(chunk, ...rest);
  }) as Response['end'];
}

/**
 * `Idempotency-Key` on the update: the first request with a key is carried out and its response kept;
 * the same key with the same request within the TTL answers that response again, without writing to
 * Jamf (`Idempotent-Replayed: true`); a duplicate arriving while the first runs waits for it; the same
 * key with a different request answers 422. Keys are scoped to the API token that sent them (by its name from the auth step).
 * Runs after validation, so only valid requests claim keys.
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
    captureResponse(res, (response) => {
      settled = true;
      const settle = !response || RETRYABLE(response.status) ? store.abandon(scopedKey) : store.complete(scopedKey, response);
      settle.catch((err: unknown) => req.log.warn({ err: { message: (err as Error).message } }, 'idempotency record not saved'));
    });
    res.on('close', () => {
      if (!settled) store.abandon(scopedKey).catch((err: unknown) => req.log.warn({ err: { message: (err as Error).message } }, 'idempotency claim not released'));
    });
    next();
  };
}
