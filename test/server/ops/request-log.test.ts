import { Writable } from 'node:stream';
import type { JamfUsersConnector } from '../../../src/jamf';
import { readConfig } from '../../../src/server/config';
import { createLogger } from '../../../src/server/logger';
import { composeApp } from '../../../src/server/start';
import { listen } from '../../helpers/listen';

const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
const stub: JamfUsersConnector = {
  updateUser: (id) => Promise.resolve({ user: { id: Number(id), name: 'x' } }),
  updateUserStream: () => Promise.reject(new Error('not used')),
  close: () => Promise.resolve(),
};

describe('the request log and the operations routes', () => {
  it('logs API requests but not /healthz, /readyz or /metrics (README, Operating: Logs)', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString()); done(); } });
    const accounts = [{ id: ACCOUNT, integration: 'jamf' as const, context: { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic' as const, username: 'u', password: 'p' } } }];
    const composed = composeApp(readConfig({ MDM_API_TOKENS: 'tok' }), createLogger('info', sink), { accounts, connectorFor: () => stub });
    const server = await listen(composed.app);
    try {
      for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${server.url}${path}`)).status).toBe(200);
      const update = await fetch(`${server.url}/unified/mdm/users/7?integrated_account_id=${ACCOUNT}`, {
        method: 'PATCH', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' }, body: '{"name":"x"}',
      });
      expect(update.status).toBe(200);
      const completed = lines.map((l) => JSON.parse(l) as { msg: string; path?: string }).filter((l) => l.msg === 'request completed');
      expect(completed.map((l) => l.path)).toEqual(['/unified/mdm/users/7']);
    } finally {
      await server.close();
      await composed.accounts.close();
    }
  });
});
