import { JamfConnector, type JamfUsersConnector } from '../../jamf';
import { SlidingWindowRateLimit } from '../stores/sliding-window';
import type { RateLimitStore } from '../stores/types';
import type { AccountConfig } from './accounts-file';

/** An integrated account: its id and the connector to its Jamf instance. */
export interface Account {
  id: string;
  integration: 'jamf';
  connector: JamfUsersConnector;
  /** The account's own request rate limit (`rate_limit` in its context), if it has one. */
  rateLimit?: RateLimitStore;
}

/** The integrated accounts a server knows, by id. */
export interface AccountRegistry {
  get(id: string): Account | undefined;
  close(): Promise<void>;
}

/** Makes the Jamf connector of an account. */
export type ConnectorFactory = (config: AccountConfig) => JamfUsersConnector;

/** The Jamf integration's own connector for an account. */
const jamfConnector: ConnectorFactory = (config) => new JamfConnector(config.context, config.id);

/** The registry of accounts, each with its connector (from `connectorFor`, the Jamf integration's by default). */
export function createAccountRegistry(configs: readonly AccountConfig[], connectorFor: ConnectorFactory = jamfConnector): AccountRegistry {
  const accounts = new Map<string, Account>();
  for (const config of configs) {
    const account: Account = { id: config.id, integration: config.integration, connector: connectorFor(config) };
    if (config.rateLimit) account.rateLimit = new SlidingWindowRateLimit(config.rateLimit);
    accounts.set(config.id.toLowerCase(), account);
  }
  return {
    get: (id) => accounts.get(id.toLowerCase()),
    close: async () => {
      await Promise.all([...accounts.values()].map((a) => a.connector.close()));
    },
  };
}
