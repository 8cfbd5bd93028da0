import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/run';

const DIST = join(ROOT, 'dist', 'src');

function accountsFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mdm-start-')), 'accounts.json');
  writeFileSync(file, JSON.stringify({ accounts: [{ id: '9e8d7c6b-5a49-4382-9100-aabbccddeeff', integration: 'jamf', context: { instance_url: 'https://jamf.example.com', auth: { type: 'basic', username: 'u', password: 'p' } } }] }));
  return file;
}

/** Starts the built server in a fresh Node process with `env`, closes it, and answers the Redis modules it had loaded. */
function redisModulesLoaded(env: Record<string, string>): string[] {
  if (!existsSync(join(DIST, 'server', 'start.js'))) throw new Error(`${DIST} is missing: run 'npm run build' (npm test does) before jest.`);
  const script = `
    const { readConfig } = require(${JSON.stringify(join(DIST, 'server', 'config'))});
    const { startServer } = require(${JSON.stringify(join(DIST, 'server', 'start'))});
    const { createLogger } = require(${JSON.stringify(join(DIST, 'server', 'logger'))});
    startServer(readConfig({ ...process.env, PORT: '0' }), createLogger('silent')).then(async (running) => {
      const loaded = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](ioredis|redis-semaphore)[\\\\/]|stores[\\\\/]redis[\\\\/]/.test(file));
      await running.close();
      process.stdout.write(JSON.stringify([...new Set(loaded.map((file) => file.replace(/.*node_modules[\\\\/]([^\\\\/]+).*/, '$1').replace(/.*stores[\\\\/]redis[\\\\/].*/, 'stores/redis')))]));
    });`;
  const result = spawnSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`the server did not start: ${result.stderr}`);
  return (JSON.parse(result.stdout) as string[]).sort();
}

describe('MDM_REDIS_URL at start-up', () => {
  it('keeps the state in process and loads no Redis module when unset', () => {
    expect(redisModulesLoaded({ MDM_ACCOUNTS_FILE: accountsFile(), MDM_API_TOKENS: 'token-for-this-test' })).toEqual([]);
  });

  it('loads the Redis stores when set (the check above can see them), starting even while Redis is not there yet', () => {
    // Port 1 on loopback: nothing listens; the server starts all the same and reports itself not ready.
    expect(redisModulesLoaded({ MDM_ACCOUNTS_FILE: accountsFile(), MDM_API_TOKENS: 'token-for-this-test', MDM_REDIS_URL: 'redis://127.0.0.1:1' }))
      .toEqual(['ioredis', 'redis-semaphore', 'stores/redis']);
  });

  it.each([
    'http://:s3cret-pw@cache.internal:6379',
    'redis://:s3cret-pw@cache.internal:6379/zero',
    'redis://:s3cret-pw@',
  ])('refuses %s: exit 2 and one line naming MDM_REDIS_URL, without the password', (url) => {
    const result = spawnSync(process.execPath, [join(DIST, 'main.js')], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', MDM_ACCOUNTS_FILE: accountsFile(), MDM_API_TOKENS: 'token-for-this-test', MDM_REDIS_URL: url },
      encoding: 'utf8', timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^mdm-users: MDM_REDIS_URL must look like redis:\/\/\[:password@\]host\[:port\]\[\/db\] \(or rediss:\/\/ for TLS\), not '[^'\n]*'\.\n$/);
    expect(result.stderr).not.toContain('s3cret-pw');
  });
});
