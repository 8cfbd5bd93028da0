import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './app';
import { createHttpServer, GracefulShutdown } from './http-server';
import { readAccountsFile, type AccountConfig } from './accounts/accounts-file';
import { createAccountRegistry, type AccountRegistry, type ConnectorFactory } from './accounts/registry';
import type { ServerConfig } from './config';
import type { JamfSimulator } from '../jamf/simulator';
import { startEmbeddedJamf } from '../jamf/embedded';

/** The id of the demo account registered when the server runs on its embedded simulator. */
export const DEMO_ACCOUNT_ID = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';

/** What the server talks to: the integrated accounts, and the embedded simulator when it is the backend. */
export interface Backend {
  accounts: AccountConfig[];
  simulator?: JamfSimulator;
  /** Makes each account's Jamf connector; the Jamf integration's own by default (benchmarks put a stub here). */
  connectorFor?: ConnectorFactory;
}

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

/** The backend the configuration names: the accounts file when given, else an embedded Jamf simulator with a demo account. */
export async function configuredBackend(config: ServerConfig): Promise<Backend> {
  if (config.accountsFile) return { accounts: readAccountsFile(config.accountsFile) };
  const embedded = await startEmbeddedJamf();
  return { accounts: [{ id: DEMO_ACCOUNT_ID, integration: 'jamf', context: embedded.context }], simulator: embedded.simulator };
}

/** The app as the server runs it, with what it owns: the account registry and the shutdown tracker. */
export interface ComposedApp {
  app: Express;
  tokens: string[];
  accounts: AccountRegistry;
  shutdown: GracefulShutdown;
}

/** Composes the app from the configuration and a backend (the one composition the server, tests and the bench share). */
export function composeApp(config: ServerConfig, logger: Logger, backend: Backend): ComposedApp {
  const tokens = config.tokens.length > 0 ? config.tokens : [randomBytes(24).toString('base64url')];
  const accounts = createAccountRegistry(backend.accounts, backend.connectorFor);
  const shutdown = new GracefulShutdown();
  const app = createApp({
    tokens, accounts, logger, responseValidation: config.responseValidation, bodyLimit: config.bodyLimit, shutdown,
    ...(config.rateLimitPerToken ? { rateLimitPerToken: config.rateLimitPerToken } : {}),
  });
  return { app, tokens, accounts, shutdown };
}

/** Starts the API server on `backend` (by default the one the configuration names). */
export async function startServer(config: ServerConfig, logger: Logger, backend?: Backend): Promise<RunningServer> {
  const { accounts: accountConfigs, simulator, connectorFor } = backend ?? (await configuredBackend(config));
  const { app, tokens, accounts, shutdown } = composeApp(config, logger, { accounts: accountConfigs, ...(connectorFor ? { connectorFor } : {}) });
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
      await accounts.close();
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
