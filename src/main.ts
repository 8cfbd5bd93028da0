import { AccountsFileError } from './server/accounts/accounts-file';
import { ConfigError, readConfig, type ServerConfig } from './server/config';
import { createLogger } from './server/logger';
import { DEMO_ACCOUNT_ID, exampleCurl, startServer, type RunningServer } from './server/start';

/** How long past MDM_SHUTDOWN_TIMEOUT_MS the process may take to exit before it is ended anyway. */
const EXIT_MARGIN_MS = 900;

/** A start-up mistake: its message (naming the variable and the fix) on stderr, no stack trace, exit 2. */
function refuse(message: string): never {
  process.stderr.write(`mdm-users: ${message}\n`);
  process.exit(2);
}

/** The human banner on stdout: where the server listens and, on the simulator, how to call it. */
function banner(config: ServerConfig, running: RunningServer): string {
  const lines = [`mdm-users listening on ${running.url}`];
  if (running.simulator) {
    const configured = config.tokens.length > 0;
    const token = configured ? '<one of MDM_API_TOKENS>' : String(running.tokens[0]);
    lines.push(`Backend: embedded Jamf Pro simulator at ${running.simulator.url}, demo integrated account ${DEMO_ACCOUNT_ID}`);
    lines.push(configured ? 'API token: one of MDM_API_TOKENS' : `API token (generated for this run; set MDM_API_TOKENS to choose your own): ${token}`);
    lines.push('Try the reference example request:', exampleCurl(running.url, token));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `npm start`: reads the environment, starts the server, prints how to call it. SIGTERM/SIGINT stop it
 * gracefully within MDM_SHUTDOWN_TIMEOUT_MS (+ under a second); SIGHUP re-reads the accounts file.
 */
async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = readConfig();
  } catch (err) {
    if (err instanceof ConfigError) refuse(err.message);
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let running: RunningServer;
  try {
    running = await startServer(config, logger);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof AccountsFileError) refuse(err.message);
    throw err;
  }
  process.stdout.write(banner(config, running));
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, shutdown_timeout_ms: config.shutdownTimeoutMs }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown overran MDM_SHUTDOWN_TIMEOUT_MS; exiting now');
      process.exit(1);
    }, config.shutdownTimeoutMs + EXIT_MARGIN_MS).unref();
    running.close().then(() => process.exit(0), (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => { running.reloadAccounts(); });
}

main().catch((err: unknown) => {
  process.stderr.write(`mdm-users: start-up failed unexpectedly: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
