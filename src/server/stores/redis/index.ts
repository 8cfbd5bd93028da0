import type { SharedStores, SlotLimiterOptions } from '../types';
import { closeRedisClient, createRedisClient, redisHealth, type RedisEventLog } from './connection';
import { RedisIdempotencyStore, type RedisIdempotencyOptions } from './idempotency-store';
import { redisRateLimit } from './rate-limit';
import { RedisSlotLimiter } from './slot-limiter';


/** How the Redis stores are set up; every field has a default. */
export interface RedisStoresOptions {
  /** Prefix of every key, so several services may share one Redis. Default `mdm-users:`. */
  prefix?: string;
  idempotency?: Omit<RedisIdempotencyOptions, 'prefix'>;
  /** Told when Redis becomes unavailable and available again (the URL redacted). */
  log?: RedisEventLog;
}

/**
 * Every shareable state on one Redis at `url` (one client): idempotency records, rate limits, the
 * per-account Jamf slots and the readiness check. Each slot limiter is closed by whoever took it (the
 * account registry, with its account, before this); `close()` stops the idempotency lease renewals and
 * closes the client.
 */
export function createRedisStores(url: string, options: RedisStoresOptions = {}): SharedStores {
  const client = createRedisClient(url, options.log);
  const prefix = options.prefix ?? 'mdm-users:';
  const idempotency = new RedisIdempotencyStore(client, { ...options.idempotency, prefix });
  return {
    idempotency,
    rateLimit: (rate, name) => redisRateLimit(client, rate, name, prefix),
    slotLimiter: (limiterOptions: SlotLimiterOptions) => new RedisSlotLimiter(client, { ...limiterOptions, prefix }),
    health: redisHealth(client),
    async close() {
      idempotency.close();
      await closeRedisClient(client);
    },
  };
}
