import type { JamfUsersConnector } from '../../src/jamf';
import type { AccountConfig } from '../../src/server/accounts/accounts-file';
import { readConfig } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import { composeApp } from '../../src/server/start';
import { listen } from '../helpers/listen';

const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
const limited: AccountConfig = {
  id: ACCOUNT, integration: 'jamf', rateLimit: { requests: 2, seconds: 600 },
  context: { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic', username: 'u', password: 'p' } },
};
const stub: JamfUsersConnector = {
  updateUser: (id) => Promise.resolve({ user: { id: Number(id), name: 'x' } }),
  updateUserStream: () => Promise.reject(new Error('not used')),
  close: () => Promise.resolve(),
};

describe('composeApp', () => {
  it('keeps counting an account\'s rate_limit across a reload of the accounts that keeps it (state in process)', async () => {
    const composed = composeApp(readConfig({ MDM_API_TOKENS: 'tok' }), createLogger('silent'), { accounts: [limited], connectorFor: () => stub });
    const server = await listen(composed.app);
    const update = async (): Promise<number> => (await fetch(`${server.url}/unified/mdm/users/6?integrated_account_id=${ACCOUNT}`, {
      method: 'PATCH', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' }, body: '{"name":"x"}',
    })).status;
    try {
      expect(await update()).toBe(200);
      await composed.accounts.replace([limited]);
      expect(await update()).toBe(200);
      await composed.accounts.replace([{ ...limited }]);
      expect(await update()).toBe(429);
    } finally {
      await server.close();
      await composed.accounts.close();
      await composed.stores.close();
    }
  });
});
