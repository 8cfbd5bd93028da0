import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createApp } from './app';
import { createHttpServer, GracefulShutdown } from './http-server';
import { createAccountRegistry, readAccountsFile, type AccountConfig } from './accounts';
import type { ServerConfig } from './config';
import { startJamfSimulator, type JamfSimulator } from '../jamf/simulator';

/** The id of the demo account registered when the server runs on its embedded simulator. */
export const DEMO_ACCOUNT_ID = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  /** The API tokens accepted (the generated one when none was configured). */
  tokens: string[];
  /** The embedded Jamf simulator, when no accounts file was given. */
  simulator?: JamfSimulator;
  server: Server;
  /** Stops accepting, lets requests in flight finish (up to the shutdown timeout), then closes everything. */
  close(): Promise<void>;
}

/** Starts the API server: on the accounts file when given, else on an embedded Jamf simulator with a demo account. */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  const tokens = config.tokens.length > 0 ? config.tokens : [randomBytes(24).toString('base64url')];
  let simulator: JamfSimulator | undefined;
  let accounts: AccountConfig[];
  if (config.accountsFile) {
    accounts = readAccountsFile(config.accountsFile);
  } else {
    const client = { client_id: 'mdm-users-demo', client_secret: randomBytes(24).toString('base64url') };
    simulator = await startJamfSimulator({ credentials: { clients: [client], users: [] } });
    accounts = [{ id: DEMO_ACCOUNT_ID, integration: 'jamf', context: { instance_url: simulator.url, auth: { type: 'client_credentials', ...client } } }];
  }
  const registry = createAccountRegistry(accounts);
  const shutdown = new GracefulShutdown();
  const app = createApp({
    tokens, accounts: registry, logger, responseValidation: config.responseValidation, bodyLimit: config.bodyLimit, shutdown,
    ...(config.rateLimitPerToken ? { rateLimitPerToken: config.rateLimitPerToken } : {}),
  });
  const server = createHttpServer(app);
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const { unfinished } = await shutdown.drain(server, config.shutdownTimeoutMs);
      if (unfinished > 0) logger.warn({ unfinished }, 'shutdown cut requests still in flight');
      await registry.close();
      await simulator?.close();
    })();
    return closing;
  };
  return { url, tokens, server, close, ...(simulator ? { simulator } : {}) };
}

/** The original reference's example request, as a ready-to-paste curl command. */
export function exampleCurl(url: string, token: string): string {
  const query = `integrated_account_id=${DEMO_ACCOUNT_ID}&truto_response_format=unified&truto_exclude_fields[]=id&truto_exclude_fields[]=name&remote_query[foo]=bar`;
  const body = JSON.stringify({ name: 'jdoe2', emails: [{ email: 'john.doe@example.com', type: 'work', is_primary: true }] });
  return `curl -g -X PATCH '${url}/unified/mdm/users/23423523?${query}' \\\n  -H 'Authorization: Bearer ${token}' \\\n  -H 'Content-Type: application/json' \\\n  -d '${body}'`;
}
