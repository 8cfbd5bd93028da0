import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './app';
import { createHttpServer, GracefulShutdown } from './http-server';
import { AccountsFileError, readAccountsFile, type AccountConfig } from './accounts/accounts-file';
import type { ConnectorFactory, Load } from './accounts/registry';
import { ReloadableAccounts } from './accounts/reloadable';
import { ConfigError, type ServerConfig } from './config';
import { within } from './within';
import { combineEvents, jamfCallLog, Metrics, readinessChecks } from './ops';
import type { SharedStores, StoreHealth } from './stores/types';
import { accountLimits, serverStores, storeHealth, tokenRateLimit } from './stores/wiring';
import { createJamfConnector, type ConnectorEvents } from '../jamf';
import type { JamfSimulator } from '../jamf/simulator';
import { startEmbeddedJamf } from '../jamf/embedded';

/** The id of the demo account registered when the server runs on its embedded simulator. */
export const DEMO_ACCOUNT_ID = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';

/** After the drain, how long closing the connections to Jamf (and the simulator) may take before the server stops waiting. */
const CLOSE_GRACE_MS = 300;

/** What the server talks to: the integrated accounts, and the embedded simulator when it is the backend. */
export interface Backend {
  accounts: AccountConfig[];
  simulator?: JamfSimulator;
  /** Makes each account's Jamf connector; the Jamf integration's own by default (benchmarks put a stub here). */
  connectorFor?: ConnectorFactory;
}

/** What a re-read of the accounts file did: the accounts now in use, or the problems that kept the old ones. */
export type Reload = { reloaded: true; accounts: number } | { reloaded: false; problems: string[] };

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  /** The API tokens accepted (the generated one when none was configured). */
  tokens: string[];
  /** The embedded Jamf simulator, when no accounts file was given. */
  simulator?: JamfSimulator;
  server: Server;
  /** Stops accepting, lets requests in flight finish (up to the shutdown timeout, then answers them 503), then closes everything. */
  close(): Promise<void>;
  /** Re-reads the accounts file (`SIGHUP`): a valid file replaces the accounts; an invalid one is refused and the old accounts stay. */
  reloadAccounts(): Reload;
}

/** The backend the configuration names: the accounts file when given, else an embedded Jamf simulator with a demo account. */
async function configuredBackend(config: ServerConfig): Promise<Backend> {
  if (config.accountsFile) return { accounts: readAccountsFile(config.accountsFile) };
  const embedded = await startEmbeddedJamf();
  return { accounts: [{ id: DEMO_ACCOUNT_ID, integration: 'jamf', context: embedded.context }], simulator: embedded.simulator };
}

/** The app as the server runs it, with what it owns: the accounts, the shutdown tracker and the metrics. */
export interface ComposedApp {
  app: Express;
  tokens: string[];
  accounts: ReloadableAccounts;
  shutdown: GracefulShutdown;
  metrics?: Metrics;
  /** The state (idempotency, rate limits, Jamf slots): on Redis with MDM_REDIS_URL, else in process; closed after the accounts. */
  stores: SharedStores;
}

/** The Jamf integration's connector, on the concurrency cap the registry gives it, reporting to `events` (metrics, debug log). */
function jamfConnectors(events: ConnectorEvents | undefined): ConnectorFactory {
  return (config, limiter) => createJamfConnector(config.context, config.id, { ...(limiter ? { limiter } : {}), ...(events ? { events } : {}) });
}

/**
 * Composes the app from the configuration and a backend (the one composition the server, tests and the
 * bench share). Its state is on the Redis of `config.redisUrl` (which readiness then checks) or in
 * process; `stores` are further stores readiness depends on.
 */
export function composeApp(config: ServerConfig, logger: Logger, backend: Backend, stores: readonly StoreHealth[] = []): ComposedApp {
  const tokens = config.tokens.length > 0 ? config.tokens : [randomBytes(24).toString('base64url')];
  const metrics = config.metrics ? new Metrics((): Load => accounts.load()) : undefined;
  const state = serverStores(config.redisUrl, logger);
  const connectorFor = backend.connectorFor ?? jamfConnectors(combineEvents(metrics?.connectorEvents(), jamfCallLog(logger)));
  const accounts = new ReloadableAccounts(backend.accounts, connectorFor, accountLimits(state));
  const shutdown = new GracefulShutdown();
  const app = createApp({
    tokens, accounts, logger, responseValidation: config.responseValidation, bodyLimit: config.bodyLimit, shutdown, idempotencyStore: state.idempotency,
    ops: { readiness: readinessChecks(accounts, shutdown, [...stores, ...storeHealth(state)]), ...(metrics ? { metrics } : {}) },
    ...(backend.simulator ? { backend: 'simulator' as const } : {}),
    ...(config.rateLimitPerToken ? { rateLimitPerToken: tokenRateLimit(state, config.rateLimitPerToken) } : {}),
  });
  return { app, tokens, accounts, shutdown, stores: state, ...(metrics ? { metrics } : {}) };
}

/** A listen failure as a start-up mistake naming PORT or HOST, or the error itself when it is none of those. */
function listenError(err: unknown, config: ServerConfig): unknown {
  const { port, host } = config;
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE': return new ConfigError(`PORT ${port} is already in use on ${host}: stop what listens there, or set PORT to a free port (0 picks one).`);
    case 'EACCES': return new ConfigError(`PORT ${port} on ${host} needs privileges this process lacks: set PORT to a port above 1023.`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND': return new ConfigError(`HOST ${host} is not an address of this machine: set HOST to one of its addresses (127.0.0.1, or 0.0.0.0 for all).`);
    default: return err;
  }
}

/** Re-reads the accounts file into `accounts`, logging what happened. */
function reloader(config: ServerConfig, accounts: ReloadableAccounts, logger: Logger): () => Reload {
  return () => {
    if (!config.accountsFile) {
      const problems = ['there is no accounts file to re-read (the embedded simulator is the backend).'];
      logger.warn({ problems }, 'accounts not reloaded');
      return { reloaded: false, problems };
    }
    try {
      const configs = readAccountsFile(config.accountsFile);
      accounts.replace(configs).catch((err: unknown) => logger.warn({ err: { message: (err as Error).message } }, 'closing the replaced accounts failed'));
      logger.info({ accounts: configs.length }, 'accounts reloaded');
      return { reloaded: true, accounts: configs.length };
    } catch (err) {
      if (!(err instanceof AccountsFileError)) throw err;
      logger.error({ file: err.file, problems: err.problems }, 'accounts file refused; the accounts in use stay');
      return { reloaded: false, problems: err.problems };
    }
  };
}

/**
 * Starts the API server on `backend` (by default the one the configuration names).
 * @throws ConfigError when it cannot listen (port in use, host not here); AccountsFileError for a bad accounts file.
 */
export async function startServer(config: ServerConfig, logger: Logger, backend?: Backend): Promise<RunningServer> {
  const chosen = backend ?? (await configuredBackend(config));
  const { app, tokens, accounts, shutdown, stores } = composeApp(config, logger, chosen);
  const { simulator } = chosen;
  /** Closes the accounts (their connectors after their calls), then the stores, and the simulator. */
  const release = (): Promise<unknown> => Promise.all([accounts.close().then(() => stores.close()), simulator?.close()]);
  const server = createHttpServer(app);
  try {
    server.listen(config.port, config.host);
    await once(server, 'listening');
  } catch (err) {
    await release();
    throw listenError(err, config);
  }
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  if (simulator) logger.warn({ simulator: simulator.url }, 'the backend is the embedded Jamf simulator: no real Jamf instance is called (set MDM_ACCOUNTS_FILE to serve real accounts)');
  logger.info({ url, host: config.host, port: address.port, backend: simulator ? 'simulator' : 'accounts file', accounts: accounts.size(), metrics: config.metrics, pid: process.pid }, 'listening');
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const { unfinished } = await shutdown.drain(server, config.shutdownTimeoutMs);
      if (unfinished > 0) logger.warn({ unfinished }, 'shutdown answered 503 to requests still in flight at its deadline');
      if (!(await within(release(), CLOSE_GRACE_MS))) logger.warn('calls to Jamf still open at shutdown are abandoned');
    })();
    return closing;
  };
  return { url, tokens, server, close, reloadAccounts: reloader(config, accounts, logger), ...(simulator ? { simulator } : {}) };
}

/** The original reference's example request, as a ready-to-paste curl command. */
export function exampleCurl(url: string, token: string): string {
  const query = `integrated_account_id=${DEMO_ACCOUNT_ID}&truto_response_format=unified&truto_exclude_fields[]=id&truto_exclude_fields[]=name&remote_query[foo]=bar`;
  const body = JSON.stringify({ name: 'jdoe2', emails: [{ email: 'john.doe@example.com', type: 'work', is_primary: true }] });
  return `curl -g -X PATCH '${url}/unified/mdm/users/23423523?${query}' \\\n  -H 'Authorization: Bearer ${token}' \\\n  -H 'Content-Type: application/json' \\\n  -d '${body}'`;
}
