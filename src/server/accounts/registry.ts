import { JamfConnector, type JamfUsersConnector } from '../../jamf';
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

/** Makes the Jamf connector of an account. */
export type ConnectorFactory = (config: AccountConfig) => JamfUsersConnector;

/** The Jamf integration's own connector for an account. */
const jamfConnector: ConnectorFactory = (config) => new JamfConnector(config.context, config.id);

/** The load a connector reports, if it reports one (the Jamf connector does; a stub need not). */
export function loadOf(connector: JamfUsersConnector): Load | undefined {
  const reporting = connector as Partial<{ load(): Load }>;
  return typeof reporting.load === 'function' ? reporting.load() : undefined;
}

/** Makes an account's own rate limit from its `rate_limit`. */
export type AccountRateLimits = (rate: Rate) => RateLimitStore;

/**
 * The registry of accounts, each with its connector (from `connectorFor`, the Jamf integration's by
 * default) and its rate limit (from `rateLimitFor`, counted in this process by default).
 */
export function createAccountRegistry(
  configs: readonly AccountConfig[], connectorFor: ConnectorFactory = jamfConnector, rateLimitFor: AccountRateLimits = (rate) => memoryRateLimit(rate, 'account'),
): AccountRegistry {
  const accounts = new Map<string, Account>();
  for (const config of configs) {
    const account: Account = { id: config.id, integration: config.integration, connector: connectorFor(config) };
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
    },
  };
}
