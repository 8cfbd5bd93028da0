import { ApiError } from '../../errors';
import type { SlotLimiter } from './types';

/**
 * The in-process {@link SlotLimiter}: at most `max` tasks run at once; up to `maxQueue` more wait in
 * FIFO order; beyond that a caller is refused at once with 503 and `Retry-After`, rather than piling up
 * without bound. Slots are taken and given back only by {@link run}.
 */
export class ConcurrencyLimiter implements SlotLimiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number, readonly maxQueue: number, private readonly describe: string) {}

  /** Tasks running and waiting now. */
  load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Runs `task` when a slot is free; the slot is held until the task's promise settles, then given back once. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Holds no leases: nothing to give up. */
  async close(): Promise<void> {
    // In memory only.
  }

  /** Takes a slot, waiting in line for one (until `signal` aborts). Only {@link run} calls it, followed by one release. */
  private acquire(signal?: AbortSignal): Promise<void> {
    if (this.running < this.max) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxQueue) {
      return Promise.reject(new ApiError(503,
        `${this.describe} already has ${this.running} requests in flight and ${this.waiting.length} waiting; try again shortly.`,
        undefined, { 'Retry-After': '1' }));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.running++;
        resolve();
      };
      const onAbort = (): void => {
        const at = this.waiting.indexOf(grant);
        if (at !== -1) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  /** Gives back a slot taken by {@link acquire}; the first waiter (if any) takes it over. */
  private release(): void {
    this.running--;
    const next = this.waiting.shift();
    if (next) next();
  }
}
