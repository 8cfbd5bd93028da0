import { ApiError } from '../../errors';

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
  complete(key: string, response: StoredResponse): Promise<void>;
  /** Releases `key` without a response (the request failed in a way worth retrying). */
  abandon(key: string): Promise<void>;
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

  async complete(key: string, response: StoredResponse): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.response = response;
    entry.expiresAt = Date.now() + this.ttlMs;
    for (const wake of entry.waiters.splice(0)) wake();
  }

  async abandon(key: string): Promise<void> {
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

