import { Writable } from 'node:stream';
import { createMdmUsersClient, type MdmUsersClient } from '../../src/client';
import { startJamfSimulator, type JamfSimulator } from '../../src/jamf/simulator';
import { type AccountConfig } from '../../src/server/accounts/accounts-file';
import { createAccountRegistry } from '../../src/server/accounts/registry';
import { createApp } from '../../src/server/app';
import { createLogger } from '../../src/server/logger';
import type { JamfContext } from '../../src/jamf/connector/types';
import { listen } from './listen';

export const ACCOUNT_ID = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
export const API_TOKEN = 'test-api-token-0123456789';

export interface Stack {
  url: string;
  simulator: JamfSimulator;
  client: MdmUsersClient;
  /** Every log line the server wrote. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The real server (every request and response validated; invalid responses fail) on port 0, its
 * accounts pointing at a Jamf simulator on port 0. `accounts` adds accounts with other contexts.
 */
export async function startStack(extra: Array<{ id: string; context: (simulatorUrl: string) => JamfContext }> = []): Promise<Stack> {
  const simulator = await startJamfSimulator();
  const logs: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { logs.push(chunk.toString('utf8')); done(); } });
  const configs: AccountConfig[] = [
    { id: ACCOUNT_ID, integration: 'jamf', context: { instance_url: simulator.url, auth: { type: 'client_credentials', client_id: 'sim-client', client_secret: 'sim-secret' }, timeout_ms: 5000 } },
    ...extra.map((e) => ({ id: e.id, integration: 'jamf' as const, context: e.context(simulator.url) })),
  ];
  const accounts = createAccountRegistry(configs);
  const app = createApp({ tokens: [API_TOKEN], accounts, logger: createLogger('info', sink), responseValidation: 'fail' });
  const server = await listen(app);
  return {
    url: server.url,
    simulator,
    client: createMdmUsersClient({ baseUrl: server.url, token: API_TOKEN }),
    logs,
    close: async () => {
      await server.close();
      await accounts.close();
      await simulator.close();
    },
  };
}
