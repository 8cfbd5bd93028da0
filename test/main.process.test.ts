import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { startJamfSimulator } from '../src/jamf/simulator';
import { accountsFile, logLines, MAIN, spawnServer, waitFor } from './helpers/server-process';

const ACCOUNT = '9e8d7c6b-5a49-4382-9100-aabbccddeeff';
const LONG_TOKEN = 'a-long-api-token-0123456789abcdef';
const start = (env: Record<string, string>) => spawnServer({ LOG_LEVEL: 'warn', ...env });

describe('the server process (npm start runs it)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run 'npm run build' (npm test does) before jest.`);
  });

  it('starts on the embedded simulator on loopback, says so at warn, logs a listening line, and the printed curl command updates the user', async () => {
    const server = start({ PORT: '0', LOG_LEVEL: 'info' });
    try {
      const banner = await waitFor(server.output, /(curl -g [\s\S]*?-d '[^']*')/);
      expect(server.output()).toMatch(/API token \(generated/);
      await waitFor(server.output, /"msg":"listening"/);
      const logs = logLines(server.output());
      expect(logs.find((l) => l.level === 40 && /embedded Jamf simulator/.test(String(l.msg)))).toBeDefined();
      const listening = logs.find((l) => l.msg === 'listening');
      expect(listening).toMatchObject({ level: 30, backend: 'simulator', host: '127.0.0.1', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), port: expect.any(Number) });
      const curl = spawnSync('bash', ['-c', `${banner[1]} -s -D - `], { encoding: 'utf8' });
      const [head = '', body = ''] = curl.stdout.split(/\r\n\r\n/);
      expect(head).toMatch(/^HTTP\/1\.1 200 /);
      expect(head).toMatch(/^x-mdm-backend: simulator\r?$/im);
      const user = JSON.parse(body) as Record<string, unknown>;
      expect(user).not.toHaveProperty('id');
      expect(user).toMatchObject({ emails: [{ email: 'john.doe@example.com', is_primary: true }], remote_data: { id: 23423523, name: 'jdoe2' } });
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('refuses a non-loopback HOST without MDM_ACCOUNTS_FILE: exit 2, one line naming it and the explicit opt-in', async () => {
    const server = start({ PORT: '0', HOST: '0.0.0.0', MDM_API_TOKENS: LONG_TOKEN });
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toBe('mdm-users: Refusing to start on HOST=0.0.0.0 without MDM_ACCOUNTS_FILE: set MDM_ACCOUNTS_FILE to your integrated accounts file, or set MDM_JAMF_SIMULATOR=on to serve the embedded Jamf simulator on purpose.\n');
  });

  describe('start-up mistakes end with exit 2 and one line naming the variable, no stack trace', () => {
    it.each([
      ['an unknown log level', { LOG_LEVEL: 'verbose' }, /^mdm-users: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not 'verbose'\.\n$/],
      ['a bad body limit', { MDM_BODY_LIMIT: 'lots' }, /^mdm-users: MDM_BODY_LIMIT must be a size such as 1mb/],
      ['a bad port', { PORT: 'http' }, /^mdm-users: PORT must be a port number/],
      ['a short token off loopback', { HOST: '0.0.0.0', MDM_JAMF_SIMULATOR: 'on', MDM_API_TOKENS: 'short' }, /^mdm-users: MDM_API_TOKENS: token 1 of 1 is shorter than 32 characters/],
      ['a bad shutdown timeout', { MDM_SHUTDOWN_TIMEOUT_MS: 'soon' }, /^mdm-users: MDM_SHUTDOWN_TIMEOUT_MS must be a whole number/],
    ])('%s', async (_name, env, message) => {
      const server = start({ PORT: '0', ...env });
      expect(await server.exited).toBe(2);
      expect(server.stderr()).toMatch(message);
      expect(server.stderr().split('\n')).toHaveLength(2);
    });

    it('a port in use (EADDRINUSE)', async () => {
      const taken = createServer();
      taken.listen(0, '127.0.0.1');
      await once(taken, 'listening');
      const { port } = taken.address() as AddressInfo;
      try {
        const server = start({ PORT: String(port) });
        expect(await server.exited).toBe(2);
        expect(server.stderr()).toBe(`mdm-users: PORT ${port} is already in use on 127.0.0.1: stop what listens there, or set PORT to a free port (0 picks one).\n`);
      } finally {
        taken.close();
      }
    });
  });

  it('works unchanged against another Jamf-compatible base URL given in an accounts file, without the simulator header', async () => {
    const jamf = await startJamfSimulator({ credentials: { clients: [], users: [{ username: 'admin', password: 'pa55' }] } });
    const file = accountsFile({ accounts: [{ id: ACCOUNT, integration: 'jamf', context: { instance_url: `${jamf.url}/`, auth: { type: 'basic', username: 'admin', password: 'pa55' } } }] });
    const server = start({ PORT: '0', MDM_ACCOUNTS_FILE: file, MDM_API_TOKENS: 'tok-1,tok-2' });
    try {
      const [, url] = await waitFor(server.output, /listening on (http:\/\/\S+)/);
      expect(server.output()).not.toMatch(/simulator/);
      const res = await fetch(`${url}/unified/mdm/users/6?integrated_account_id=${ACCOUNT}`, {
        method: 'PATCH', headers: { authorization: 'Bearer tok-2', 'content-type': 'application/json' }, body: '{"name":"twanda"}',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-mdm-backend')).toBeNull();
      expect(await res.json()).toMatchObject({ id: '6', name: 'twanda' });
      expect(jamf.users.get(6)?.name).toBe('twanda');
      expect(server.output()).not.toMatch(/pa55|tok-2/);
    } finally {
      server.child.kill('SIGKILL');
      await jamf.close();
    }
  });

  it('refuses an invalid accounts file with every problem at once, quoting none of its content', async () => {
    const file = accountsFile({ accounts: [
      { id: ACCOUNT, integration: 'jamf', context: { instance_url: 'https://x.example.com', auth: { type: 'basic', username: 'u' }, max_concurency: 5 } },
      { id: 'not-a-uuid', integration: 'jamf', context: { instance_url: 'https://x.example.com', auth: { type: 'basic', username: 'u', password: 'p4ssw0rd-in-file' } } },
    ] });
    const server = start({ PORT: '0', MDM_ACCOUNTS_FILE: file });
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toBe(`mdm-users: MDM_ACCOUNTS_FILE (${file}) is not usable (3 problems); fix the file and start again:\n`
      + '  - accounts[0].context.max_concurency is not a known key; the keys here are instance_url, auth, timeout_ms, max_concurrency, max_queue, rate_limit.\n'
      + '  - accounts[0].context.auth.password must be a non-empty string.\n'
      + '  - accounts[1].id must be a UUID.\n');
  });

  it('refuses an accounts file that is not JSON with the line and column, without its text', async () => {
    const file = accountsFile('{"accounts": [\n  {"id": "x", secret: "s3cr3t-text"}\n]}');
    const server = start({ PORT: '0', MDM_ACCOUNTS_FILE: file });
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toMatch(/the file is not valid JSON: syntax error at line 2, column 15\.\n$/);
    expect(server.stderr()).not.toMatch(/s3cr3t|secret/);
  });
});
