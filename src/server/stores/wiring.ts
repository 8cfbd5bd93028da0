/**
 * How the server's state is wired: in this process without `MDM_REDIS_URL`, on the Redis it names with
 * it, shared by every instance there (idempotency records, both rate limits, each account's Jamf
 * concurrency cap). Jamf tokens are never shared: each instance keeps its own. The composition root
 * (start.ts) takes everything stateful from here.
 */
import type { Logger } from 'pino';
import { connectorSettings } from '../../jamf/connector/settings';
import type { AccountLimits } from '../accounts/registry';
import { createSharedStores } from './index';
import type { Rate, RateLimitStore, SharedStores, StoreHealth } from './types';

/** The names the two rate limits count under (on Redis: `mdm-users:rate:<name>:<key>`). */
const TOKEN_LIMIT = 'token';
const ACCOUNT_LIMIT = 'account';

/**
 * The state of this server: on Redis at `redisUrl` (losing and regaining it logged, the password
 * never), else in this process, as a single server keeps it. Without a URL no Redis module is loaded.
 */
export function serverStores(redisUrl: string | undefined, logger: Logger): SharedStores {
  return createSharedStores(redisUrl, { log: ({ level, message }) => logger[level]({ store: 'redis' }, message) });
}

/** The per-API-token limit at `rate`, counted where the state lives. */
export function tokenRateLimit(stores: SharedStores, rate: Rate): RateLimitStore {
  return stores.rateLimit(rate, TOKEN_LIMIT);
}

/**
 * Each account's own limits, kept where the state lives: its `rate_limit`, and its Jamf concurrency cap
 * (`max_concurrency` calls in flight across every instance on the same state, keyed by the account's
 * id, with `max_queue` waiting in each instance and no wait for a slot longer than `timeout_ms`).
 */
export function accountLimits(stores: SharedStores): AccountLimits {
  return {
    rateLimit: (rate) => stores.rateLimit(rate, ACCOUNT_LIMIT),
    slots: (account) => {
      const settings = connectorSettings(account.context);
      return stores.slotLimiter({
        key: account.id.toLowerCase(),
        max: settings.maxConcurrency,
        maxQueue: settings.maxQueue,
        timeoutMs: settings.timeoutMs,
        describe: `Jamf instance ${settings.origin}`,
      });
    },
  };
}

/** The stores readiness waits for: Redis when the state is there, none in process. */
export function storeHealth(stores: SharedStores): StoreHealth[] {
  return stores.health ? [stores.health] : [];
}
