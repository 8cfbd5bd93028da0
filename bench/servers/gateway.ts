/**
 * Variants b and c, the real server, started as `npm start` starts it (startServer of src/server/start.ts):
 * the configuration read by readConfig with production defaults (request validation on, responses
 * checked and logged, `MDM_RESPONSE_VALIDATION=log`; pino at level info to stdout, which the benchmark
 * sends to /dev/null), the same app, HTTP server and limits.
 *
 * The one departure: the per-token rate limit (production default 500/10s, which one token under load
 * would hit at once) is set to 1000000000/1s, so its per-request cost is paid but it never refuses.
 *
 * BENCH_UPSTREAM=stub      (b) the Jamf connector is replaced by an in-process stub answering user 23423523;
 * BENCH_UPSTREAM=<url>     (c) the real connector (undici Pool) to a Jamf simulator at <url>.
 * BENCH_MAX_CONCURRENCY    the account's max_concurrency (Jamf connections), default 5.
 * Any MDM_* / LOG_LEVEL variable overrides the production default as it does for `npm start`.
 */
import { readConfig } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import { startServer, type Backend } from '../../src/server/start';
import { StubConnector } from '../lib/stub';
import { ACCOUNT_ID, API_TOKEN, announce, exitWithParent, SIM_CLIENT } from '../common';

async function main(): Promise<void> {
  const upstream = process.env.BENCH_UPSTREAM ?? 'stub';
  const config = readConfig({
    MDM_RATE_LIMIT_PER_TOKEN: '1000000000/1s',
    MDM_SHUTDOWN_TIMEOUT_MS: '1000',
    ...process.env,
    PORT: process.env.PORT ?? '0',
    HOST: '127.0.0.1',
    MDM_API_TOKENS: API_TOKEN,
  });
  const backend: Backend = {
    accounts: [{
      id: ACCOUNT_ID,
      integration: 'jamf',
      context: {
        instance_url: upstream === 'stub' ? 'http://127.0.0.1:9' : upstream,
        auth: { type: 'client_credentials', ...SIM_CLIENT },
        max_concurrency: Number(process.env.BENCH_MAX_CONCURRENCY ?? 5),
      },
    }],
    ...(upstream === 'stub' ? { connectorFor: () => new StubConnector() } : {}),
  };
  const running = await startServer(config, createLogger(config.logLevel), backend);
  announce(running.url);
  exitWithParent(() => running.close());
}

void main();
