import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { FlexibleRateLimit } from '../memory-rate-limit';
import type { Rate, RateLimitStore } from '../types';
import { unavailable } from './connection';

/**
 * A rate limit shared by every instance on `client`'s Redis (rate-limiter-flexible's RateLimiterRedis:
 * one atomic counter per key, expiring with its window), with the same semantics as
 * {@link memoryRateLimit}. When Redis does not answer, `take` rejects with
 * `SharedStoreUnavailableError`; it never admits a request it could not count.
 */
export function redisRateLimit(client: Redis, rate: Rate, name: string, prefix: string): RateLimitStore {
  const limiter = new RateLimiterRedis({
    storeClient: client,
    rejectIfRedisNotReady: true,
    keyPrefix: `${prefix}rate:${name}`,
    points: rate.requests,
    duration: rate.seconds,
  });
  return new FlexibleRateLimit(rate, limiter, unavailable);
}
