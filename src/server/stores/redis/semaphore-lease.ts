import type { Redis } from 'ioredis';
import { Semaphore, TimeoutError } from 'redis-semaphore';
import { unavailable } from './connection';

/** Timing of the leases on one semaphore. */
export interface LeaseOptions {
  /** How long a slot stays taken without renewal: what a dead holder costs. */
  leaseMs: number;
  /** Longest wait for a slot, as a backstop to the caller's signal. */
  acquireTimeoutMs: number;
  /** Pause between attempts to take a slot while all are taken. */
  retryIntervalMs: number;
}

/** A slot taken on the semaphore, renewed until released. */
export interface Lease {
  /** Gives the slot back; never rejects (if Redis is away, the slot comes back when its lease ends). */
  release(): Promise<void>;
}

/**
 * One of `limit` slots under `key`, shared by every instance on the Redis (redis-semaphore's
 * `Semaphore`: a sorted set of holders whose entries expire after `leaseMs` unless renewed, so the
 * slots of a dead instance come back). This module owns redis-semaphore's quirks: its own refresh
 * timer lets a failed refresh escape as an unhandled rejection (and its default lost-lock handler
 * throws), so it is switched off and the lease is renewed here, through the documented
 * `acquiredExternally` refresh, with failures caught.
 */
export class SemaphoreLeases {
  constructor(private readonly client: Redis, private readonly key: string, private readonly limit: number, private readonly options: LeaseOptions) {}

  /**
   * Takes a slot, retrying while all are taken, until `signal` aborts (rejects with its reason) or
   * `acquireTimeoutMs` passes (redis-semaphore's `TimeoutError`). Redis failing rejects with
   * `SharedStoreUnavailableError`.
   */
  async acquire(signal?: AbortSignal): Promise<Lease> {
    const { leaseMs, acquireTimeoutMs, retryIntervalMs } = this.options;
    const semaphore = new Semaphore(this.client, this.key, this.limit, {
      lockTimeout: leaseMs, acquireTimeout: acquireTimeoutMs, retryInterval: retryIntervalMs, refreshInterval: 0,
    });
    try {
      await semaphore.acquire(signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (err instanceof TimeoutError) throw err;
      throw unavailable(err);
    }
    const lease = this.renewed(semaphore);
    if (signal?.aborted) { // aborted while the winning attempt was on its way: give the slot back
      await lease.release();
      throw signal.reason;
    }
    return lease;
  }

  private renewed(semaphore: Semaphore): Lease {
    const { leaseMs } = this.options;
    const renew = (): void => {
      const refresher = new Semaphore(this.client, this.key, this.limit, {
        identifier: semaphore.identifier, acquiredExternally: true, lockTimeout: leaseMs, refreshInterval: 0,
      });
      refresher.tryAcquire().then(
        (held) => { if (!held) clearInterval(timer); },
        () => { /* Redis is away: the next tick tries again, and the lease covers the gap */ },
      );
    };
    const timer = setInterval(renew, Math.max(1, Math.floor(leaseMs / 3)));
    timer.unref();
    return {
      release: async () => {
        clearInterval(timer);
        await semaphore.release().catch(() => { /* the lease expires on its own */ });
      },
    };
  }
}
