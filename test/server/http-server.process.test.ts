import { get } from 'node:http';
import { startJamfSimulator } from '../../src/jamf/simulator';
import { accountsFile, spawnServer, waitFor, within } from '../helpers/server-process';

const ACCOUNT = '9e8d7c6b-5a49-4382-9100-aabbccddeeff';
const CLIENT = { client_id: 'c', client_secret: 's' };

/** A server process on an accounts file pointing at a fresh Jamf simulator. */
async function serverOnSimulator(env: Record<string, string> = {}) {
  const jamf = await startJamfSimulator({ credentials: { clients: [CLIENT], users: [] } });
  const file = accountsFile({ accounts: [{ id: ACCOUNT, integration: 'jamf', context: { instance_url: jamf.url, auth: { type: 'client_credentials', ...CLIENT } } }] });
  const server = spawnServer({ PORT: '0', MDM_ACCOUNTS_FILE: file, MDM_API_TOKENS: 'tok', LOG_LEVEL: 'warn', ...env });
  const [, url] = await waitFor(server.output, /listening on (http:\/\/\S+)/);
  const update = (id: number, name: string) => fetch(`${url}/unified/mdm/users/${id}?integrated_account_id=${ACCOUNT}`, {
    method: 'PATCH', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' }, body: JSON.stringify({ name }),
  });
  return { jamf, server, url: url as string, update };
}

/** The status of `GET url` on a connection of its own, as a load balancer's probe asks (0: no answer). */
function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    get(url, { agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', () => resolve(0));
  });
}

describe('graceful shutdown', () => {
  it('finishes every accepted update after SIGTERM mid-load, then exits 0', async () => {
    const { jamf, server, url, update } = await serverOnSimulator();
    jamf.faults.delayMs = 150;
    try {
      // 20 updates of 3 users: at 5 in flight and 2 Jamf calls of 150 ms each, about 1.2 s of work.
      const ids = [6, 1, 23423523];
      const updates = Array.from({ length: 20 }, (_, i) => update(ids[i % 3] as number, `drain-${i}`).then((r) => r.status, () => 'refused'));
      while (jamf.counters.puts < 2) await new Promise((r) => setTimeout(r, 10));
      server.child.kill('SIGTERM');
      const statuses = await Promise.all(updates);
      expect(await server.exited).toBe(0);
      expect(statuses).toEqual(Array(20).fill(200));
      expect(jamf.counters.puts).toBe(20);
      const after = await fetch(`${url}/unified/mdm/users/6?integrated_account_id=${ACCOUNT}`, { method: 'PATCH' }).then((r) => r.status, () => 'refused');
      expect(after).toBe('refused');
    } finally {
      server.child.kill('SIGKILL');
      await jamf.close();
    }
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s with an update stuck on a silent Jamf: /readyz 503 while draining, the caller gets the 503 envelope with Retry-After at the deadline, and the process exits within MDM_SHUTDOWN_TIMEOUT_MS + 1 s',
    async (signal) => {
      const { jamf, server, url, update } = await serverOnSimulator({ MDM_SHUTDOWN_TIMEOUT_MS: '2000' });
      try {
        expect((await update(6, 'before')).status).toBe(200);
        jamf.faults.hang = true;
        const stuck = update(1, 'stuck');
        stuck.catch(() => undefined);
        while (jamf.counters.inFlight < 1) await new Promise((r) => setTimeout(r, 10));
        server.child.kill(signal);
        const exitedInTime = within(server.exited, 3000);
        let ready = 200;
        while (ready === 200) ready = await probe(`${url}/readyz`);
        expect(ready).toBe(503);
        expect(await probe(`${url}/healthz`)).toBe(200);
        const answer = await stuck;
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('1');
        expect(await answer.json()).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/shut down before this request finished/) });
        expect(await exitedInTime).toBe(0);
      } finally {
        server.child.kill('SIGKILL');
        await jamf.close();
      }
    },
  );
});
