import express from 'express';
import { createAccountRegistry } from '../../../src/server/accounts/registry';
import { resolveAccount, type AccountLocals } from '../../../src/server/middleware/account';
import { errorHandler } from '../../../src/server/middleware/error-handler';
import { parseQueryOnce } from '../../../src/server/middleware/query';
import { createLogger } from '../../../src/server/logger';
import type { JamfUsersConnector } from '../../../src/jamf/connector/types';
import { listen } from '../../helpers/listen';

const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
const stub = { close: () => Promise.resolve() } as unknown as JamfUsersConnector;

describe('resolveAccount', () => {
  it('finds the account whatever the case of its id, and answers 404 naming an unknown one', async () => {
    const accounts = createAccountRegistry([{ id: ACCOUNT, integration: 'jamf', context: { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic', username: 'u', password: 'p' } } }], () => stub);
    const app = express();
    app.use(parseQueryOnce, resolveAccount(accounts), (_req, res) => { res.json({ id: (res.locals as AccountLocals).account.id }); });
    app.use(errorHandler(createLogger('silent')));
    const server = await listen(app);
    try {
      expect(await (await fetch(`${server.url}/?integrated_account_id=${ACCOUNT.toUpperCase()}`)).json()).toEqual({ id: ACCOUNT });
      const unknown = await fetch(`${server.url}/?integrated_account_id=00000000-0000-4000-8000-000000000000`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ message: expect.stringContaining('00000000-0000-4000-8000-000000000000') });
    } finally {
      await server.close();
    }
  });
});
