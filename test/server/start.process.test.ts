import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/run';

const DIST = join(ROOT, 'dist', 'src');

/** Starts the built server in a fresh Node process with `env`, and answers the simulator modules it loaded. */
function simulatorModulesLoaded(env: Record<string, string>): string[] {
  if (!existsSync(join(DIST, 'server', 'start.js'))) throw new Error(`${DIST} is missing: run 'npm run build' (npm test does) before jest.`);
  const script = `
    const { readConfig } = require(${JSON.stringify(join(DIST, 'server', 'config'))});
    const { startServer } = require(${JSON.stringify(join(DIST, 'server', 'start'))});
    const { createLogger } = require(${JSON.stringify(join(DIST, 'server', 'logger'))});
    startServer(readConfig({ ...process.env, PORT: '0' }), createLogger('silent')).then(async (running) => {
      const loaded = Object.keys(require.cache).filter((file) => file.includes(${JSON.stringify(join('jamf', 'simulator'))}));
      await running.close();
      process.stdout.write(JSON.stringify(loaded));
    });`;
  const result = spawnSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0) throw new Error(`the server did not start: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

describe('start-up', () => {
  it('never loads the simulator for a server on an accounts file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdm-accounts-'));
    const file = join(dir, 'accounts.json');
    writeFileSync(file, JSON.stringify({ accounts: [{ id: '9e8d7c6b-5a49-4382-9100-aabbccddeeff', integration: 'jamf', context: { instance_url: 'https://jamf.example.com', auth: { type: 'basic', username: 'u', password: 'p' } } }] }));
    expect(simulatorModulesLoaded({ MDM_ACCOUNTS_FILE: file, MDM_API_TOKENS: 'token-for-this-test' })).toEqual([]);
  });

  it('loads it when it is the backend (the check above can see it)', () => {
    const loaded = simulatorModulesLoaded({});
    expect(loaded.some((file) => file.endsWith(join('jamf', 'simulator', 'index.js')))).toBe(true);
  });
});
