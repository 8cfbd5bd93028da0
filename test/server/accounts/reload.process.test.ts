import { writeFileSync } from 'node:fs';
import { startJamfSimulator } from '../../../src/jamf/simulator';
import { accountsFile, logLines, spawnServer, waitFor } from '../../helpers/server-process';

const OLD = '9e8d7c6b-5a49-4382-9100-aabbccddeeff';
const NEW = '3c1e0f4e-0f7e-4b55-a7d4-6f3b1d9c0e03';
const CLIENT = { client_id: 'c', client_secret: 's' };

describe('SIGHUP re-reads the accounts file', () => {
  it('replaces the accounts with a valid file without dropping the update in flight, and keeps them when the new file is invalid', async () => {
    const jamf = await startJamfSimulator({ credentials: { clients: [CLIENT], users: [] } });
    const account = (id: string) => ({ id, integration: 'jamf', context: { instance_url: jamf.url, auth: { type: 'client_credentials', ...CLIENT } } });
    const file = accountsFile({ accounts: [account(OLD)] });
    const server = spawnServer({ PORT: '0', MDM_ACCOUNTS_FILE: file, MDM_API_TOKENS: 'tok', LOG_LEVEL: 'info' });
    const reloads = (): Array<Record<string, unknown>> => logLines(server.output()).filter((l) => /^accounts (reloaded|file refused)/.test(String(l.msg)));
    try {
      const [, url] = await waitFor(server.output, /listening on (http:\/\/\S+)/);
      const update = (id: string) => fetch(`${url}/unified/mdm/users/6?integrated_account_id=${id}`, {
        method: 'PATCH', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' }, body: '{"name":"reloaded"}',
      }).then((r) => r.status);
      expect(await update(OLD)).toBe(200);

      jamf.faults.delayMs = 500;
      const inFlight = update(OLD);
      while (jamf.counters.inFlight < 1) await new Promise((r) => setTimeout(r, 10));
      writeFileSync(file, JSON.stringify({ accounts: [account(NEW)] }));
      server.child.kill('SIGHUP');
      await waitFor(() => JSON.stringify(reloads()), /accounts reloaded/);
      expect(await inFlight).toBe(200);
      jamf.faults.delayMs = 0;
      expect(await update(NEW)).toBe(200);
      expect(await update(OLD)).toBe(404);

      writeFileSync(file, JSON.stringify({ accounts: [{ ...account(NEW), context: { ...account(NEW).context, max_concurency: 2 } }] }));
      server.child.kill('SIGHUP');
      await waitFor(() => JSON.stringify(reloads()), /accounts file refused/);
      expect(reloads()[1]).toMatchObject({ level: 50, problems: ['accounts[0].context.max_concurency is not a known key; the keys here are instance_url, auth, timeout_ms, max_concurrency, max_queue, rate_limit.'] });
      expect(await update(NEW)).toBe(200);
      expect(server.child.exitCode).toBeNull();
    } finally {
      server.child.kill('SIGKILL');
      await jamf.close();
    }
  });
});
