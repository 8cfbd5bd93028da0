import { JamfConnector, type JamfUsersConnector, type SlotLimiter } from '../../jamf';
import { memoryRateLimit } from '../stores/memory-rate-limit';
import type { Rate, RateLimitStore } from '../stores/types';
import type { AccountConfig } from './accounts-file';

/** An integrated account: its id and the connector to its Jamf instance. */
export interface Account {
  id: string;
  integration: 'jamf';
  connector: JamfUsersConnector;
  /** The account's own request rate limit (`rate_limit` in its context), if it has one. */
  rateLimit?: RateLimitStore;
}

/** Jamf calls running and waiting for a slot (in this process). */
export interface Load {
  running: number;
  waiting: number;
}

/** The integrated accounts a server knows, by id. */
export interface AccountRegistry {
  get(id: string): Account | undefined;
  /** How many accounts it holds. */
  size(): number;
  /** Jamf calls running and waiting, summed over every account whose connector reports them. */
  load(): Load;
  close(): Promise<void>;
}

/**
 * Makes the Jamf connector of an account; `limiter`, when the registry has one for the account, is its
 * cap on Jamf calls in flight (the registry closes it after the connector).
 */
export type ConnectorFactory = (config: AccountConfig, limiter?: SlotLimiter) => JamfUsersConnector;

/** The Jamf integration's own connector for an account (its own in-process limiter unless given one). */
const jamfConnector: ConnectorFactory = (config, limiter) => new JamfConnector(config.context, config.id, limiter ? { limiter } : {});

/** The load a connector reports, if it reports one (the Jamf connector does; a stub need not). */
export function loadOf(connector: JamfUsersConnector): Load | undefined {
  const reporting = connector as Partial<{ load(): Load }>;
  return typeof reporting.load === 'function' ? reporting.load() : undefined;
}

/** Where an account's own limits are kept (the server's stores); each has a default in this process. */
export interface AccountLimits {
  /** Makes the account's request rate limit from its `rate_limit`. */
  rateLimit?: (rate: Rate) => RateLimitStore;
  /** Makes the account's cap on Jamf calls in flight, handed to its connector; closed with the account. */
  slots?: (config: AccountConfig) => SlotLimiter;
}

/**
 * The registry of accounts, each with its connector (from `connectorFor`, the Jamf integration's by
 * default) and its limits (from `limits`: a rate limit counted in this process, and the connector's own
 * concurrency cap, by default). `close()` closes the connectors, then the slot limiters it made.
 */
export function createAccountRegistry(configs: readonly AccountConfig[], connectorFor: ConnectorFactory = jamfConnector, limits: AccountLimits = {}): AccountRegistry {
  const rateLimitFor = limits.rateLimit ?? ((rate) => memoryRateLimit(rate, 'account'));
  const accounts = new Map<string, Account>();
  const limiters: SlotLimiter[] = [];
  for (const config of configs) {
    const limiter = limits.slots?.(config);
    if (limiter) limiters.push(limiter);
    const account: Account = { id: config.id, integration: config.integration, connector: connectorFor(config, limiter) };
    if (config.rateLimit) account.rateLimit = rateLimitFor(config.rateLimit);
    accounts.set(config.id.toLowerCase(), account);
  }
  return {
    get: (id) => accounts.get(id.toLowerCase()),
    size: () => accounts.size,
    load: () => {
      const total = { running: 0, waiting: 0 };
      for (const { connector } of accounts.values()) {
        const load = loadOf(connector);
        if (load) { total.running += load.running; total.waiting += load.waiting; }
      }
      return total;
    },
    close: async () => {
      await Promise.all([...accounts.values()].map((a) => a.connector.close()));
      await Promise.all(limiters.map((limiter) => limiter.close()));
    },
  };
}
