import { createAccountRegistry } from '../../../src/server/accounts/registry';
import { createApp } from '../../../src/server/app';
import { createLogger } from '../../../src/server/logger';
import type { JamfUsersConnector } from '../../../src/jamf/connector/types';
import { listen } from '../../helpers/listen';

describe('rate limits over HTTP', () => {
  const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
  const LIMITED = '5b7f2a9c-1d3e-4f60-8a7b-9c0d1e2f3a4b';
  const stub: JamfUsersConnector = {
    updateUser: (id) => Promise.resolve({ user: { id: Number(id), name: 'x' } }),
    updateUserStream: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
  const context = { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic' as const, username: 'u', password: 'p' } };

  async function serve(perToken: { requests: number; seconds: number } | undefined) {
    const accounts = createAccountRegistry([
      { id: ACCOUNT, integration: 'jamf', context },
      { id: LIMITED, integration: 'jamf', context, rateLimit: { requests: 2, seconds: 60 } },
    ], () => stub);
    return listen(createApp({ tokens: ['t1', 't2'], accounts, logger: createLogger('silent'), responseValidation: 'fail', ...(perToken ? { rateLimitPerToken: perToken } : {}) }));
  }
  const call = (url: string, token: string, account = ACCOUNT) => fetch(`${url}/unified/mdm/users/1?integrated_account_id=${account}`, {
    method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"name":"x"}',
  });

  it('answers 429 with Retry-After in the envelope past the per-token rate, per token', async () => {
    const server = await serve({ requests: 3, seconds: 60 });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(server.url, 't1')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await call(server.url, 't1');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/for this API token/) });
      expect((await call(server.url, 't2')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('limits an account that sets rate_limit, and no other', async () => {
    const server = await serve(undefined);
    try {
      const limited = [];
      for (let i = 0; i < 3; i++) limited.push((await call(server.url, 't1', LIMITED)).status);
      expect(limited).toEqual([200, 200, 429]);
      for (let i = 0; i < 5; i++) expect((await call(server.url, 't1')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
