/**
 * Variants b and c, the real server, composed as startServer (src/server/start.ts) composes it: the
 * configuration read by readConfig with production defaults (request validation on, responses
 * validated and logged, `MDM_RESPONSE_VALIDATION=log`; pino at level info to stdout, which the
 * benchmark sends to /dev/null), createApp with the graceful-shutdown tracker and the per-token rate
 * limit, createHttpServer with its limits.
 *
 * The one departure: the per-token rate limit (production default 500/10s, which one token under load
 * would hit at once) is set to 1000000000/1s, so its per-request cost is paid but it never refuses.
 *
 * BENCH_UPSTREAM=stub      (b) the Jamf connector is replaced by an in-process stub answering user 23423523;
 * BENCH_UPSTREAM=<url>     (c) the real connector (undici Pool) to a Jamf simulator at <url>.
 * BENCH_MAX_CONCURRENCY    the account's max_concurrency (Jamf connections), default 5.
 * Any MDM_* / LOG_LEVEL variable overrides the production default as it does for `npm start`.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createAccountRegistry, type AccountConfig } from '../../src/server/accounts';
import { createApp } from '../../src/server/app';
import { readConfig } from '../../src/server/config';
import { createHttpServer, GracefulShutdown } from '../../src/server/http-server';
import { createLogger } from '../../src/server/logger';
import { StubConnector } from '../lib/stub';
import { ACCOUNT_ID, API_TOKEN, announce, exitWithParent, SIM_CLIENT } from '../common';

async function main(): Promise<void> {
  const upstream = process.env.BENCH_UPSTREAM ?? 'stub';
  const config = readConfig({
    MDM_RATE_LIMIT_PER_TOKEN: '1000000000/1s',
    ...process.env,
    PORT: process.env.PORT ?? '0',
    HOST: '127.0.0.1',
    MDM_API_TOKENS: API_TOKEN,
  });
  const account: AccountConfig = {
    id: ACCOUNT_ID,
    integration: 'jamf',
    context: {
      instance_url: upstream === 'stub' ? 'http://127.0.0.1:9' : upstream,
      auth: { type: 'client_credentials', ...SIM_CLIENT },
      max_concurrency: Number(process.env.BENCH_MAX_CONCURRENCY ?? 5),
    },
  };
  const accounts = upstream === 'stub' ? createAccountRegistry([account], () => new StubConnector()) : createAccountRegistry([account]);
  const logger = createLogger(config.logLevel);
  const shutdown = new GracefulShutdown();
  const app = createApp({
    tokens: config.tokens, accounts, logger, responseValidation: config.responseValidation, bodyLimit: config.bodyLimit, shutdown,
    ...(config.rateLimitPerToken ? { rateLimitPerToken: config.rateLimitPerToken } : {}),
  });
  const server = createHttpServer(app);
  server.listen(config.port, config.host);
  await once(server, 'listening');
  announce(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  exitWithParent(async () => {
    await shutdown.drain(server, 1000);
    await accounts.close();
  });
}

void main();
