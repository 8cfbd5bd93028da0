/**
 * Variant mi (only when named in BENCH_ONLY): variant m as it was before the embedded simulator got a
 * worker thread of its own: the same startServer, defaults and demo account, on a simulator started in the
 * server's own thread (startJamfSimulator). For the A/B of that change in one run.
 */
import { readConfig } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import { startServer } from '../../src/server/start';
import { startJamfSimulator } from '../../src/jamf/simulator';
import { ACCOUNT_ID, API_TOKEN, announce, exitWithParent, SIM_CLIENT } from '../common';

async function main(): Promise<void> {
  const config = readConfig({ MDM_RATE_LIMIT_PER_TOKEN: '1000000000/1s', ...process.env, PORT: '0', HOST: '127.0.0.1', MDM_API_TOKENS: API_TOKEN });
  const simulator = await startJamfSimulator();
  const running = await startServer(config, createLogger(config.logLevel), {
    accounts: [{ id: ACCOUNT_ID, integration: 'jamf', context: { instance_url: simulator.url, auth: { type: 'client_credentials', ...SIM_CLIENT } } }],
    simulator,
  });
  announce(running.url);
  exitWithParent(() => running.close());
}

void main();
