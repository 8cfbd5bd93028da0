import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { type AccountConfig } from '../../src/server/accounts/accounts-file';
import { createAccountRegistry, type AccountRegistry } from '../../src/server/accounts/registry';
import { createApp } from '../../src/server/app';
import { createLogger } from '../../src/server/logger';
import { startJamfSimulator, type JamfSimulator } from '../../src/jamf/simulator';
import { listen } from '../helpers/listen';

/** A secret that cannot be mistaken for anything else in the output. */
const secret = (label: string): string => `${label}-${randomBytes(18).toString('base64url')}`;

const CLIENT = { client_id: 'secrets-test-client', client_secret: secret('cs') };
const USER = { username: 'secrets-test-admin', password: secret('pw') };
const WRONG_SECRET = secret('wrong-cs');
const WRONG_PASSWORD = secret('wrong-pw');
const API_TOKEN = secret('api');

const ACCOUNTS = {
  oauth: '3f1c9a52-0c1e-4a8e-9d55-7b0a1c2d3e41',
  basic: '3f1c9a52-0c1e-4a8e-9d55-7b0a1c2d3e42',
  wrongSecret: '3f1c9a52-0c1e-4a8e-9d55-7b0a1c2d3e43',
  wrongPassword: '3f1c9a52-0c1e-4a8e-9d55-7b0a1c2d3e44',
  narrow: '3f1c9a52-0c1e-4a8e-9d55-7b0a1c2d3e45',
} as const;

interface Exchange {
  step: string;
  status: number;
  headers: string;
  body: string;
}

describe('secrets never leave the server', () => {
  let sim: JamfSimulator;
  let registry: AccountRegistry;
  let server: Awaited<ReturnType<typeof listen>>;
  const logLines: string[] = [];
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    sim = await startJamfSimulator({ credentials: { clients: [CLIENT], users: [USER] }, tokenTtlSeconds: 1 });
    const context = (auth: AccountConfig['context']['auth'], extra: Partial<AccountConfig['context']> = {}): AccountConfig['context'] =>
      ({ instance_url: sim.url, auth, timeout_ms: 400, ...extra });
    const configs: AccountConfig[] = [
      { id: ACCOUNTS.oauth, integration: 'jamf', context: context({ type: 'client_credentials', ...CLIENT }) },
      { id: ACCOUNTS.basic, integration: 'jamf', context: context({ type: 'basic', ...USER }) },
      { id: ACCOUNTS.wrongSecret, integration: 'jamf', context: context({ type: 'client_credentials', client_id: CLIENT.client_id, client_secret: WRONG_SECRET }) },
      { id: ACCOUNTS.wrongPassword, integration: 'jamf', context: context({ type: 'basic', username: USER.username, password: WRONG_PASSWORD }) },
      { id: ACCOUNTS.narrow, integration: 'jamf', context: context({ type: 'client_credentials', ...CLIENT }, { max_concurrency: 1, max_queue: 0, timeout_ms: 5000 }) },
    ];
    registry = createAccountRegistry(configs);
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger('trace', capture);
    server = await listen(createApp({ tokens: [API_TOKEN], accounts: registry, logger, responseValidation: 'fail' }));
  });

  afterAll(async () => {
    await server?.close();
    await registry?.close();
    await sim?.close();
  });

  async function patch(step: string, account: string, body: unknown, options: { format?: string; token?: string; userId?: string } = {}): Promise<Exchange> {
    const query = new URLSearchParams({ integrated_account_id: account });
    if (options.format) query.set('truto_response_format', options.format);
    const res = await fetch(`${server.url}/unified/mdm/users/${options.userId ?? '6'}?${query}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${options.token ?? API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const exchange = { step, status: res.status, headers: JSON.stringify([...res.headers]), body: await res.text() };
    exchanges.push(exchange);
    return exchange;
  }

  it('drives a run with faults through HTTP; no secret, password, Jamf token or API token appears in logs or answers', async () => {
    const statuses: Record<string, number> = {};
    const run = async (step: string, account: string, body: unknown, options?: Parameters<typeof patch>[3]): Promise<void> => {
      statuses[step] = (await patch(step, account, body, options)).status;
    };

    await run('oauth ok', ACCOUNTS.oauth, { name: 'Twanda9039', remote_data: { full_name: 'Twanda' } });
    await run('basic ok', ACCOUNTS.basic, { name: 'Twanda9039', emails: [{ email: 'twanda@example.com', is_primary: true }], remote_data: { full_name: 'Twanda Jones' } }, { format: 'raw' });
    await run('normalized', ACCOUNTS.oauth, { name: 'Twanda9039' }, { format: 'normalized' });
    await run('stream', ACCOUNTS.basic, { name: 'Twanda9039' }, { format: 'stream' });
    await run('wrong client secret', ACCOUNTS.wrongSecret, { name: 'Twanda9039' });
    await run('wrong password', ACCOUNTS.wrongPassword, { name: 'Twanda9039' });
    await run('wrong API token', ACCOUNTS.oauth, { name: 'Twanda9039' }, { token: secret('not-our-token') });

    sim.expireAllTokens();
    await run('oauth after expiry', ACCOUNTS.oauth, { name: 'Twanda9039' });
    await run('basic after expiry', ACCOUNTS.basic, { name: 'Twanda9039' });
    await new Promise((resolve) => setTimeout(resolve, 850)); // the 1 s tokens are due for renewal
    await run('oauth renewed', ACCOUNTS.oauth, { name: 'Twanda9039' });

    sim.faults.failNext(2, 503, { retryAfter: 0 });
    await run('503s retried', ACCOUNTS.oauth, { name: 'Twanda9039' });
    sim.faults.failNext(3, 503);
    await run('503s exhausted', ACCOUNTS.basic, { name: 'Twanda9039' });
    sim.faults.resetNext(1);
    await run('reset retried', ACCOUNTS.oauth, { name: 'Twanda9039' });
    sim.faults.resetNext(3);
    await run('resets exhausted', ACCOUNTS.basic, { name: 'Twanda9039' });
    sim.faults.garbleNext(2);
    await run('garbled', ACCOUNTS.oauth, { name: 'Twanda9039' });
    await run('conflict', ACCOUNTS.basic, { name: 'user28' });
    await run('not found', ACCOUNTS.oauth, { name: 'nobody' }, { userId: '424242' });

    sim.faults.delayMs = 150;
    const busy = patch('narrow busy', ACCOUNTS.narrow, { name: 'Twanda9039' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await run('narrow queue full', ACCOUNTS.narrow, { name: 'Twanda9039' });
    statuses['narrow busy'] = (await busy).status;
    sim.faults.delayMs = 0;

    sim.faults.hang = true;
    await run('hang', ACCOUNTS.oauth, { name: 'Twanda9039' });
    await run('hang basic', ACCOUNTS.basic, { name: 'Twanda9039' });
    sim.faults.hang = false;
    await run('after hang', ACCOUNTS.oauth, { name: 'Twanda9039' });

    // The run did go through every case it claims to.
    expect(statuses).toEqual({
      'oauth ok': 200,
      'basic ok': 200,
      normalized: 200,
      stream: 200,
      'wrong client secret': 401,
      'wrong password': 401,
      'wrong API token': 401,
      'oauth after expiry': 200,
      'basic after expiry': 200,
      'oauth renewed': 200,
      '503s retried': 200,
      '503s exhausted': 503, // Jamf's own status, kept after the retries (Truto's rule for a provider's errors)
      'reset retried': 200,
      'resets exhausted': 502,
      garbled: 502,
      conflict: 409,
      'not found': 404,
      'narrow busy': 200,
      'narrow queue full': 503,
      hang: 504,
      'hang basic': 504,
      'after hang': 200,
    });
    const issued = sim.issuedTokens();
    expect(issued.filter((t) => t.kind === 'oauth').length).toBeGreaterThanOrEqual(3);
    expect(issued.filter((t) => t.kind === 'user').length).toBeGreaterThanOrEqual(2);

    // Wait for the last 'request completed' lines, then look at everything.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const output = [...logLines, ...exchanges.map((e) => `${e.headers}\n${e.body}`)].join('\n');
    // The capture is real: it holds each request's log line and the remote errors' messages.
    expect(logLines.length).toBeGreaterThanOrEqual(exchanges.length);
    expect(output).toContain(`Jamf rejected the credentials of integrated account ${ACCOUNTS.wrongSecret}`);
    expect(output).toContain('"truto_is_remote_error":true');
    expect(output).toContain('"status":504');

    const secrets: Array<[string, string]> = [
      ['client secret', CLIENT.client_secret],
      ['password', USER.password],
      ['wrong client secret', WRONG_SECRET],
      ['wrong password', WRONG_PASSWORD],
      ['API token', API_TOKEN],
      ['Basic credentials', Buffer.from(`${USER.username}:${USER.password}`).toString('base64')],
      ['wrong Basic credentials', Buffer.from(`${USER.username}:${WRONG_PASSWORD}`).toString('base64')],
      ...issued.map((t, i): [string, string] => [`Jamf ${t.kind} token #${i}`, t.token]),
    ];
    const leaks: string[] = [];
    for (const [label, value] of secrets) {
      // Any 16-character piece of it (a truncated or split secret is still a leak).
      for (let at = 0; at + 16 <= value.length; at += 4) {
        if (output.includes(value.slice(at, at + 16))) {
          leaks.push(label);
          break;
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});
