import { ConcurrencyLimiter } from '../../jamf/connector/concurrency-limiter';
import { MemoryIdempotencyStore } from './idempotency-store';
import { memoryRateLimit } from './memory-rate-limit';
import type { RedisStoresOptions } from './redis';
import type { RateLimitStore, SharedStores } from './types';

/**
 * In-process rate limits, one per name and rate however often asked for: as on Redis, where a name
 * counts in one place, a limit made again (an account's, when the accounts file is reloaded) counts on
 * where the one before left off.
 */
function onePerNameAndRate(): SharedStores['rateLimit'] {
  const made = new Map<string, RateLimitStore>();
  return (rate, name) => {
    const key = `${name} ${rate.requests}/${rate.seconds}`;
    let store = made.get(key);
    if (!store) {
      store = memoryRateLimit(rate, name);
      made.set(key, store);
    }
    return store;
  };
}

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
    rateLimit: onePerNameAndRate(),
    slotLimiter: ({ max, maxQueue, describe }) => new ConcurrencyLimiter(max, maxQueue, describe),
    close: () => Promise.resolve(),
  };
}
