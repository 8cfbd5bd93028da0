import { Redis } from 'ioredis';
import { SharedStoreUnavailableError } from '../errors';
import type { StoreHealth } from '../types';
import { checkRedisUrl, redactRedisUrl } from '../redis-url';

/** Longest wait for one Redis command (a stalled server or a black-holed network) before it fails. */
const COMMAND_TIMEOUT_MS = 1000;
/** Longest pause between reconnection attempts, so the client is usable soon after Redis is back. */
const MAX_RECONNECT_DELAY_MS = 1000;

/** What the connection reports: losing Redis and getting it back, with the URL redacted. */
export type RedisEventLog = (event: { level: 'warn' | 'info'; message: string }) => void;

/**
 * One ioredis client for `url` (password, db number and TLS from the URL) that never makes a request
 * wait for Redis: no offline queue (a command fails at once while disconnected), a command timeout,
 * one attempt per command, and reconnection every second at most, so it is usable again within about
 * a second of Redis coming back. Connection errors go to `log` (only when the state changes) instead
 * of an unhandled 'error' event.
 */
export function createRedisClient(url: string, log: RedisEventLog = () => {}): Redis {
  checkRedisUrl(url);
  const client = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    disconnectTimeout: 200,
    retryStrategy: (times) => Math.min(100 * times, MAX_RECONNECT_DELAY_MS),
  });
  const where = redactRedisUrl(url);
  let lost = false;
  const unavailableNow = (why: string): void => {
    if (lost) return;
    lost = true;
    log({ level: 'warn', message: `Redis at ${where} is unavailable (${why}); reconnecting.` });
  };
  client.on('error', (err: Error) => unavailableNow(err.message));
  client.on('reconnecting', () => unavailableNow('the connection closed'));
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    log({ level: 'info', message: `Redis at ${where} is available again.` });
  });
  return client;
}

/** The error a request gets when a Redis command failed it (the client's error kept as `cause`). */
export function unavailable(err: unknown): SharedStoreUnavailableError {
  return err instanceof SharedStoreUnavailableError ? err : new SharedStoreUnavailableError('Redis', err);
}

/** Readiness of the shared Redis: `ping()` rejects (within {@link COMMAND_TIMEOUT_MS}) when it does not answer. */
export function redisHealth(client: Redis): StoreHealth {
  return {
    name: 'Redis',
    async ping(): Promise<void> {
      try {
        await client.ping();
      } catch (err) {
        throw unavailable(err);
      }
    },
  };
}

/** Closes the client: QUIT when connected, else drops the connection and stops reconnecting. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return; // closed already (disconnecting again would leave a timer behind)
  try {
    if (client.status === 'ready') {
      await client.quit();
      return;
    }
  } catch {
    // fall through: the connection is dropped below
  }
  client.disconnect();
}
