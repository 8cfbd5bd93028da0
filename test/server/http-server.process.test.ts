import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startJamfSimulator } from '../../src/jamf/simulator';
import { ROOT } from '../helpers/run';

const MAIN = join(ROOT, 'dist', 'src', 'main.js');

describe('graceful shutdown', () => {
  it('finishes every accepted update after SIGTERM mid-load, then exits 0', async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run 'npm run build' (npm test does) before jest.`);
    const jamf = await startJamfSimulator({ credentials: { clients: [{ client_id: 'c', client_secret: 's' }], users: [] } });
    jamf.faults.delayMs = 150;
    const account = '9e8d7c6b-5a49-4382-9100-aabbccddeeff';
    const file = join(mkdtempSync(join(tmpdir(), 'mdm-shutdown-')), 'accounts.json');
    writeFileSync(file, JSON.stringify({ accounts: [{ id: account, integration: 'jamf', context: { instance_url: jamf.url, auth: { type: 'client_credentials', client_id: 'c', client_secret: 's' } } }] }));
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', PORT: '0', MDM_ACCOUNTS_FILE: file, MDM_API_TOKENS: 'tok', LOG_LEVEL: 'warn' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      while (!/listening on (http:\/\/\S+)/.test(output)) await new Promise((r) => setTimeout(r, 20));
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1] as string;
      // 20 updates of 20 users: at 5 in flight and 2 Jamf calls of 150 ms each, about 1.2 s of work.
      const ids = [6, 1, 23423523];
      const updates = Array.from({ length: 20 }, (_, i) => fetch(`${url}/unified/mdm/users/${ids[i % 3]}?integrated_account_id=${account}`, {
        method: 'PATCH', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' }, body: JSON.stringify({ name: `drain-${i}` }),
      }).then((r) => r.status, () => 'refused'));
      while (jamf.counters.puts < 2) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGTERM');
      const statuses = await Promise.all(updates);
      expect(await exited).toBe(0);
      expect(statuses).toEqual(Array(20).fill(200));
      expect(jamf.counters.puts).toBe(20);
      const after = await fetch(`${url}/unified/mdm/users/6?integrated_account_id=${account}`, { method: 'PATCH' }).then((r) => r.status, () => 'refused');
      expect(after).toBe('refused');
    } finally {
      child.kill('SIGKILL');
      await jamf.close();
    }
  });
});
