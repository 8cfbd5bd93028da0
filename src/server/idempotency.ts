import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { ApiError } from '../errors';
import type { AuthLocals } from './auth';

/** A response kept for replay. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What `begin` found for a key. */
export type Begin =
  | { state: 'new' }
  | { state: 'replay'; response: StoredResponse }
  | { state: 'mismatch' };

/**
 * Where idempotency records live. The in-memory store serves one process; a shared store (Redis, a
 * database) implements the same three calls to serve several.
 */
export interface IdempotencyStore {
  /** Claims `key` for a request with `fingerprint`, or waits for the request that holds it and answers its outcome. */
  begin(key: string, fingerprint: string): Promise<Begin>;
  /** Records the response of the request that claimed `key`, for `ttlMs`. */
  complete(key: string, response: StoredResponse): void;
  /** Releases `key` without a response (the request failed in a way worth retrying). */
  abandon(key: string): void;
}

interface Entry {
  fingerprint: string;
  expiresAt: number;
  response?: StoredResponse;
  waiters: Array<() => void>;
}

/** In-memory idempotency records, kept `ttlMs` (24 h by default) and swept as they expire. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private lastSweep = Date.now();

  constructor(private readonly ttlMs = 24 * 60 * 60 * 1000, private readonly maxEntries = 100_000) {}

  async begin(key: string, fingerprint: string): Promise<Begin> {
    this.sweep();
    for (;;) {
      const entry = this.entries.get(key);
      if (!entry || entry.expiresAt <= Date.now()) {
        if (this.entries.size >= this.maxEntries) throw new ApiError(503, 'Too many idempotency keys are held at once; try again shortly.', undefined, { 'Retry-After': '1' });
        this.entries.set(key, { fingerprint, expiresAt: Date.now() + this.ttlMs, waiters: [] });
        return { state: 'new' };
      }
      if (entry.fingerprint !== fingerprint) return { state: 'mismatch' };
      if (entry.response) return { state: 'replay', response: entry.response };
      await new Promise<void>((resolve) => entry.waiters.push(resolve));
    }
  }

  complete(key: string, response: StoredResponse): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.response = response;
    entry.expiresAt = Date.now() + this.ttlMs;
    for (const wake of entry.waiters.splice(0)) wake();
  }

  abandon(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    for (const wake of entry.waiters.splice(0)) wake();
  }

  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now && !entry.waiters.length) this.entries.delete(key);
  }
}

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
      if (!response || RETRYABLE(response.status)) store.abandon(scopedKey);
      else store.complete(scopedKey, response);
    });
    res.on('close', () => { if (!settled) store.abandon(scopedKey); });
    next();
  };
}
