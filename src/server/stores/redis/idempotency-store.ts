import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { ApiError } from '../../../errors';
import type { Begin, IdempotencyStore, StoredResponse } from '../types';
import { unavailable } from './connection';
import { idempotencyScripts, type IdempotencyScripts } from './idempotency-scripts';

/** Timing of the Redis idempotency records. */
export interface RedisIdempotencyOptions {
  /** How long a response is kept for replay. Default 24 h. */
  ttlMs?: number;
  /** Lease of a claim while its request runs, renewed every third of it; a claim whose instance died expires after it. Default 30 s. */
  leaseMs?: number;
  /** Longest a duplicate waits for the request that holds the key before it is told to retry (503). Default 60 s. */
  maxWaitMs?: number;
  /** Prefix of the Redis keys. */
  prefix?: string;
}

/** How a duplicate polls for the outcome of the request holding its key: from the first pause, doubling up to the last. */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 250;

interface Held {
  owner: string;
  fingerprint: string;
  renewal: NodeJS.Timeout;
}

/**
 * Idempotency records shared by every instance on one Redis. `begin` claims a key atomically (the
 * claim is written before the request goes to Jamf) under a lease that this instance renews while the
 * request runs; a duplicate on any instance polls (with backoff) until the first request completes
 * (replay), abandons the key or dies with its instance (the lease expires: the duplicate then claims
 * the key and is carried out itself), or until `maxWaitMs` (503 with `Retry-After`). When Redis does
 * not answer, every call rejects with `SharedStoreUnavailableError`, so no Jamf write happens without
 * its record.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly scripts: IdempotencyScripts;
  private readonly held = new Map<string, Held>();
  private readonly ttlMs: number;
  private readonly leaseMs: number;
  private readonly maxWaitMs: number;
  private readonly prefix: string;

  constructor(client: Redis, options: RedisIdempotencyOptions = {}) {
    this.scripts = idempotencyScripts(client);
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
    this.prefix = `${options.prefix ?? ''}idempotency:`;
  }

  async begin(key: string, fingerprint: string): Promise<Begin> {
    const giveUpAt = Date.now() + this.maxWaitMs;
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(2 * pause, MAX_POLL_MS)) {
      const owner = randomUUID();
      const found = await this.redis(() => this.scripts.claim(this.prefix + key, fingerprint, owner, this.leaseMs));
      if (found.state === 'new') this.hold(key, owner, fingerprint);
      if (found.state !== 'pending') return found;
      if (Date.now() + pause > giveUpAt) {
        throw new ApiError(503, `The first request with this Idempotency-Key is still being carried out after ${Math.round(this.maxWaitMs / 1000)} s; send this one again later to get its response.`,
          undefined, { 'Retry-After': String(Math.ceil(this.leaseMs / 1000)) });
      }
      await sleep(pause);
    }
  }

  async complete(key: string, response: StoredResponse): Promise<void> {
    const held = this.release(key);
    if (held) await this.redis(() => this.scripts.complete(this.prefix + key, held.owner, held.fingerprint, response, this.ttlMs));
  }

  async abandon(key: string): Promise<void> {
    const held = this.release(key);
    if (held) await this.redis(() => this.scripts.abandon(this.prefix + key, held.owner));
  }

  /** Stops renewing the claims this instance holds (they expire after their lease). */
  close(): void {
    for (const key of [...this.held.keys()]) this.release(key);
  }

  /** Keeps the claim alive while its request runs; a failed renewal is retried at the next tick. */
  private hold(key: string, owner: string, fingerprint: string): void {
    this.release(key);
    const renewal = setInterval(() => {
      this.scripts.renew(this.prefix + key, owner, this.leaseMs).then(
        (renewed) => { if (!renewed) clearInterval(renewal); },
        () => { /* Redis is away: the next tick tries again, and the lease covers the gap */ },
      );
    }, Math.max(1, Math.floor(this.leaseMs / 3)));
    renewal.unref();
    this.held.set(key, { owner, fingerprint, renewal });
  }

  private release(key: string): Held | undefined {
    const held = this.held.get(key);
    if (!held) return undefined;
    clearInterval(held.renewal);
    this.held.delete(key);
    return held;
  }

  private async redis<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw unavailable(err);
    }
  }
}
