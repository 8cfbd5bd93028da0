/**
 * Runs a simulator in its own process, for benchmarks: `node dist/src/jamf/simulator/main.js`.
 * Configured from the environment; prints one JSON line `{"url": "…"}` once listening; SIGTERM or
 * SIGINT closes it.
 *
 * SIM_HOST (127.0.0.1), SIM_PORT (0), SIM_DELAY_MS (0), SIM_CLIENT_ID / SIM_CLIENT_SECRET and
 * SIM_USERNAME / SIM_PASSWORD (the defaults of DEFAULT_CREDENTIALS), SIM_TOKEN_TTL_SECONDS.
 */
import { DEFAULT_CREDENTIALS } from './auth';
import { startJamfSimulator } from './index';
import type { SimulatorOptions } from './types';

export interface SimulatorEnvConfig {
  options: SimulatorOptions;
  delayMs: number;
}

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number | undefined): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0, e.g. ${name}=100; got '${raw}'`);
  return value;
}

/** Reads the simulator's settings from environment variables. */
export function simulatorConfigFromEnv(env: NodeJS.ProcessEnv): SimulatorEnvConfig {
  const client = DEFAULT_CREDENTIALS.clients[0] as { client_id: string; client_secret: string };
  const user = DEFAULT_CREDENTIALS.users[0] as { username: string; password: string };
  const options: SimulatorOptions = {
    host: env.SIM_HOST || '127.0.0.1',
    port: numberFrom(env, 'SIM_PORT', 0) as number,
    credentials: {
      clients: [{ client_id: env.SIM_CLIENT_ID || client.client_id, client_secret: env.SIM_CLIENT_SECRET || client.client_secret }],
      users: [{ username: env.SIM_USERNAME || user.username, password: env.SIM_PASSWORD || user.password }],
    },
  };
  const ttl = numberFrom(env, 'SIM_TOKEN_TTL_SECONDS', undefined);
  if (ttl !== undefined) options.tokenTtlSeconds = ttl;
  return { options, delayMs: numberFrom(env, 'SIM_DELAY_MS', 0) as number };
}

async function main(): Promise<void> {
  const config = simulatorConfigFromEnv(process.env);
  const simulator = await startJamfSimulator(config.options);
  simulator.faults.delayMs = config.delayMs;
  const stop = (): void => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ url: simulator.url })}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
