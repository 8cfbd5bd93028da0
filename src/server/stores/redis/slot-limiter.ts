import type { Redis } from 'ioredis';
import { ConcurrencyLimiter } from '../../../jamf/connector/concurrency-limiter';
import type { SlotLimiter } from '../../../jamf/connector/types';
import type { SlotLimiterOptions } from '../types';
import { SemaphoreLeases, type Lease } from './semaphore-lease';

/** Lease of a slot beyond the account's `timeout_ms`: a killed instance's slots come back within `timeout_ms` + this. */
const LEASE_MARGIN_MS = 3000;
/** Pause between attempts on Redis while every slot of the account is taken. */
const RETRY_INTERVAL_MS = 25;

/**
 * The per-account cap on Jamf calls in flight, shared by every instance on one Redis: at most `max`
 * tasks run at once across the fleet (a redis-semaphore slot each, leased for `timeout_ms` plus a
 * margin and renewed while the task runs, so a dead instance's slots come back). In front of it, this
 * instance's own {@link ConcurrencyLimiter}: at most `max` callers try for a slot on Redis, the next
 * `maxQueue` wait in line here, and one more is refused at once with 503 and `Retry-After`. Waiting
 * ends when the caller's signal aborts (its reason) or after `timeout_ms` (redis-semaphore's
 * `TimeoutError`); Redis failing ends it with `SharedStoreUnavailableError`.
 */
export class RedisSlotLimiter implements SlotLimiter {
  readonly max: number;
  private readonly local: SlotLimiter;
  private readonly leases: SemaphoreLeases;
  private readonly held = new Set<Lease>();
  /** Tasks settled whose slot is on its way back to Redis (their place in this instance's line is still taken). */
  private releasing = 0;

  constructor(client: Redis, options: SlotLimiterOptions & { prefix?: string; leaseMarginMs?: number }) {
    this.max = options.max;
    this.local = new ConcurrencyLimiter(options.max, options.maxQueue, options.describe);
    this.leases = new SemaphoreLeases(client, `${options.prefix ?? ''}slots:${options.key}`, options.max, {
      leaseMs: options.timeoutMs + (options.leaseMarginMs ?? LEASE_MARGIN_MS),
      acquireTimeoutMs: options.timeoutMs,
      retryIntervalMs: RETRY_INTERVAL_MS,
    });
  }

  /**
   * The caller has the task's outcome as soon as it settles; the slot goes back to Redis after that,
   * off the caller's path, while this instance's own place stays taken until it has (so the next
   * caller here never finds the slot still taken on Redis and waits a retry for it).
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.local.run(async () => {
        const lease = await this.leases.acquire(signal);
        this.held.add(lease);
        try {
          resolve(await task());
        } catch (err) {
          reject(err);
        } finally {
          this.held.delete(lease);
          this.releasing++;
          await lease.release();
          this.releasing--;
        }
      }, signal).catch(reject);
    });
  }

  /** This instance's tasks holding a slot (`running`) and waiting for one, here or on Redis (`waiting`). */
  load(): { running: number; waiting: number } {
    const local = this.local.load();
    return { running: this.held.size, waiting: local.waiting + local.running - this.held.size - this.releasing };
  }

  /** Gives back every slot this instance holds (for shutdown, after its requests have drained). */
  async close(): Promise<void> {
    const leases = [...this.held];
    this.held.clear();
    await Promise.all(leases.map((lease) => lease.release()));
  }
}
