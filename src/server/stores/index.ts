import { ConcurrencyLimiter } from '../../jamf/connector/concurrency-limiter';
import { MemoryIdempotencyStore } from './idempotency-store';
import { memoryRateLimit } from './memory-rate-limit';
import type { RedisStoresOptions } from './redis';
import type { SharedStores } from './types';

export type { SharedStores, SlotLimiterFactory, SlotLimiterOptions } from './types';
export { SharedStoreUnavailableError } from './errors';

/**
 * The shared state of this server: on the Redis at `redisUrl` when one is given (many instances
 * behind a load balancer), else in this process. Without a URL no Redis module is loaded at all.
 * @throws Error when `redisUrl` is not a `redis://` or `rediss://` URL.
 */
export function createSharedStores(redisUrl: string | undefined, options: RedisStoresOptions = {}): SharedStores {
  if (redisUrl !== undefined && redisUrl !== '') {
    // Loaded here, not at the top: a server without Redis never loads ioredis, redis-semaphore or the Redis stores.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createRedisStores } = require('./redis') as typeof import('./redis');
    return createRedisStores(redisUrl, options);
  }
  return {
    idempotency: new MemoryIdempotencyStore(options.idempotency?.ttlMs),
    rateLimit: memoryRateLimit,
    slotLimiter: ({ max, maxQueue, describe }) => new ConcurrencyLimiter(max, maxQueue, describe),
    close: () => Promise.resolve(),
  };
}
