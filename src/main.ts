import { ConfigError, readConfig } from './server/config';
import { AccountsFileError } from './server/accounts/accounts-file';
import { createLogger } from './server/logger';
import { DEMO_ACCOUNT_ID, exampleCurl, startServer } from './server/start';

/** `npm start`: reads the environment, starts the server, prints how to call it, stops cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = readConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`mdm-users: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let running;
  try {
    running = await startServer(config, logger);
  } catch (err) {
    if (err instanceof AccountsFileError) {
      process.stderr.write(`mdm-users: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const lines = [`mdm-users listening on ${running.url}`];
  if (running.simulator) {
    lines.push(`Backend: embedded Jamf Pro simulator at ${running.simulator.url}, demo integrated account ${DEMO_ACCOUNT_ID}`);
    lines.push(config.tokens.length > 0 ? 'API token: one of MDM_API_TOKENS' : `API token (generated for this run; set MDM_API_TOKENS to choose your own): ${running.tokens[0]}`);
    lines.push('Try the reference example request:', exampleCurl(running.url, config.tokens.length > 0 ? '<one of MDM_API_TOKENS>' : String(running.tokens[0])));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    running.close().then(() => process.exit(0), (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
