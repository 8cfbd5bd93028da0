import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startJamfSimulator } from '../src/jamf/simulator';
import { ROOT } from './helpers/run';

/** `npm start` as users run it: the built server in its own process (`npm test` builds before jest). */
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

function start(env: Record<string, string>): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(read: () => string, pattern: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
  const until = Date.now() + ms;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > until) throw new Error(`timed out waiting for ${pattern} in:\n${read()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm start', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run 'npm run build' (npm test does) before jest.`);
  });

  it('starts on the embedded simulator and the printed curl command updates the user', async () => {
    const server = start({ PORT: '0' });
    try {
      const banner = await waitFor(server.output, /(curl -g [\s\S]*?-d '[^']*')/);
      expect(server.output()).toMatch(/embedded Jamf Pro simulator/);
      expect(server.output()).toMatch(/API token \(generated/);
      const curl = spawnSync('bash', ['-c', `${banner[1]} -s -w '\\n%{http_code}'`], { encoding: 'utf8' });
      const lines = curl.stdout.trim().split('\n');
      expect(lines.at(-1)).toBe('200');
      const user = JSON.parse(lines.slice(0, -1).join('\n')) as Record<string, unknown>;
      expect(user).not.toHaveProperty('id');
      expect(user).not.toHaveProperty('name');
      expect(user).toMatchObject({ emails: [{ email: 'john.doe@example.com', is_primary: true }], remote_data: { id: 23423523, name: 'jdoe2' } });
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('refuses to listen on a non-loopback HOST without MDM_API_TOKENS', async () => {
    const server = start({ PORT: '0', HOST: '0.0.0.0' });
    expect(await server.exited).toBe(2);
    expect(server.output()).toMatch(/Refusing to listen on 0.0.0.0 without MDM_API_TOKENS/);
  });

  it('works unchanged against another Jamf-compatible base URL given in an accounts file', async () => {
    const jamf = await startJamfSimulator({ credentials: { clients: [], users: [{ username: 'admin', password: 'pa55' }] } });
    const dir = mkdtempSync(join(tmpdir(), 'mdm-main-'));
    const file = join(dir, 'accounts.json');
    const account = '9e8d7c6b-5a49-4382-9100-aabbccddeeff';
    writeFileSync(file, JSON.stringify({ accounts: [{ id: account, integration: 'jamf', context: { instance_url: `${jamf.url}/`, auth: { type: 'basic', username: 'admin', password: 'pa55' } } }] }));
    const server = start({ PORT: '0', MDM_ACCOUNTS_FILE: file, MDM_API_TOKENS: 'tok-1,tok-2' });
    try {
      const [, url] = await waitFor(server.output, /listening on (http:\/\/\S+)/);
      expect(server.output()).not.toMatch(/simulator/);
      const res = await fetch(`${url}/unified/mdm/users/6?integrated_account_id=${account}`, {
        method: 'PATCH', headers: { authorization: 'Bearer tok-2', 'content-type': 'application/json' }, body: '{"name":"twanda"}',
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: '6', name: 'twanda' });
      expect(jamf.users.get(6)?.name).toBe('twanda');
      expect(server.output()).not.toMatch(/pa55|tok-2/);
    } finally {
      server.child.kill('SIGKILL');
      await jamf.close();
    }
  });

  it('refuses an invalid accounts file, naming the account and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdm-main-'));
    const file = join(dir, 'accounts.json');
    writeFileSync(file, JSON.stringify({ accounts: [{ id: '9e8d7c6b-5a49-4382-9100-aabbccddeeff', integration: 'jamf', context: { instance_url: 'https://x.example.com', auth: { type: 'basic', username: 'u' } } }] }));
    const server = start({ PORT: '0', MDM_ACCOUNTS_FILE: file });
    expect(await server.exited).toBe(2);
    expect(server.output()).toMatch(/accounts\[0\] \(9e8d7c6b-5a49-4382-9100-aabbccddeeff\)\.context\.auth\.password must be a non-empty string/);
  });
});
