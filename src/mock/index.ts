/**
 * The validated mock server for consumers' tests: the real mdm-users server (spec validation of
 * every request and, by default, every response) on its embedded Jamf Pro simulator, started on a
 * free loopback port, with the simulated Jamf's users and faults in reach.
 */
import { randomBytes } from 'node:crypto';
import { readConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { DEMO_ACCOUNT_ID, startServer } from '../server/start';
import { mockJamf, type JamfUser, type MockJamf } from './mock-jamf';

export type { JamfCounters, JamfFailOptions, JamfUser, JamfWrite, MockJamf } from './mock-jamf';

/**
 * The integrated account the server registers for its embedded simulator (the spec's example id);
 * `npm start` prints it too.
 */
export const MOCK_ACCOUNT_ID = DEMO_ACCOUNT_ID;

export interface MockServerOptions {
  /** The API token callers must send; default a random one (see `token` of the result). */
  token?: string;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Port; default `0` (a free one: read `url`). */
  port?: number;
  /** pino level of the server's log (written to stdout); default `silent`. */
  logLevel?: 'silent' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /**
   * What the server does with a response that breaks the spec: `fail` (default: answer 500, so a
   * drift shows in your test), `log`, or `off`.
   */
  responseValidation?: 'fail' | 'log' | 'off';
  /** Requests per API token, e.g. `'5/1s'`; default `false` (no limit, unlike the server's 500/10s). */
  rateLimitPerToken?: string | false;
  /** Users to add to simulated Jamf at start, beside its three sample users (ids 1, 6 and 23423523). */
  users?: JamfUser[];
}

export interface MockServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (give it to the client as `baseUrl`). */
  readonly url: string;
  /** The API token the server accepts (`Authorization: Bearer <token>`). */
  readonly token: string;
  /** The `integrated_account_id` that reaches the simulated Jamf. */
  readonly accountId: string;
  /** The simulated Jamf Pro: seed and read users, see the writes, inject faults. */
  readonly jamf: MockJamf;
  /** Stops the server (requests in flight finish first) and the simulator. Safe to call twice. */
  close(): Promise<void>;
}

function checkToken(token: string): string {
  if (!/^[\x21-\x7E]+$/.test(token) || token.includes(',')) {
    throw new TypeError('startMockServer: `token` must be printable ASCII without spaces or commas.');
  }
  return token;
}

/** Starts the validated mock server (the real server on its embedded Jamf simulator), by default on a free loopback port. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const token = checkToken(options.token ?? randomBytes(24).toString('base64url'));
  const logLevel = options.logLevel ?? 'silent';
  const config = readConfig({
    PORT: String(options.port ?? 0),
    HOST: options.host ?? '127.0.0.1',
    MDM_API_TOKENS: token,
    LOG_LEVEL: logLevel,
    MDM_RESPONSE_VALIDATION: options.responseValidation ?? 'fail',
    MDM_RATE_LIMIT_PER_TOKEN: options.rateLimitPerToken || 'off',
  });
  const running = await startServer(config, createLogger(logLevel));
  const simulator = running.simulator;
  if (!simulator) {
    await running.close();
    throw new Error('startMockServer: the server started without its embedded Jamf simulator.');
  }
  try {
    for (const user of options.users ?? []) simulator.users.set(user);
  } catch (err) {
    await running.close();
    throw err;
  }
  return {
    url: running.url,
    token,
    accountId: MOCK_ACCOUNT_ID,
    jamf: mockJamf(simulator, simulator.users.list()),
    close: () => running.close(),
  };
}
