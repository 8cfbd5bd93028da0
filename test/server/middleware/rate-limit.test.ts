import { createAccountRegistry } from '../../../src/server/accounts/registry';
import { createApp } from '../../../src/server/app';
import { createLogger } from '../../../src/server/logger';
import type { JamfUsersConnector } from '../../../src/jamf/connector/types';
import { bindingLimit } from '../../../src/server/middleware/rate-limit';
import type { RateLimitDecision } from '../../../src/server/stores/types';
import { listen } from '../../helpers/listen';

const sleep = (ms: number) => new Promise((resolve) => { setTimeout(resolve, ms); });
const figures = (res: Response) => ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].map((name) => res.headers.get(name));

describe('rate limits over HTTP', () => {
  const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
  const LIMITED = '5b7f2a9c-1d3e-4f60-8a7b-9c0d1e2f3a4b';
  const stub: JamfUsersConnector = {
    updateUser: (id) => Promise.resolve({ user: { id: Number(id), name: 'x' } }),
    updateUserStream: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
  const context = { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic' as const, username: 'u', password: 'p' } };

  async function serve(perToken: { requests: number; seconds: number } | undefined, accountRate = { requests: 2, seconds: 60 }) {
    const accounts = createAccountRegistry([
      { id: ACCOUNT, integration: 'jamf', context },
      { id: LIMITED, integration: 'jamf', context, rateLimit: accountRate },
    ], () => stub);
    return listen(createApp({ tokens: ['t1', 't2'], accounts, logger: createLogger('silent'), responseValidation: 'fail', ...(perToken ? { rateLimitPerToken: perToken } : {}) }));
  }
  const call = (url: string, token: string, account = ACCOUNT, body = '{"name":"x"}') => fetch(`${url}/unified/mdm/users/1?integrated_account_id=${account}`, {
    method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body,
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

  it('serves a client that waits exactly Retry-After after a 429 (the count that refused ends by then)', async () => {
    const server = await serve(undefined, { requests: 1, seconds: 1 });
    try {
      for (let round = 0; round < 2; round++) {
        expect((await call(server.url, 't1', LIMITED)).status).toBe(200);
        const refused = await call(server.url, 't1', LIMITED);
        expect(refused.status).toBe(429);
        const wait = Number(refused.headers.get('retry-after'));
        expect(wait).toBeGreaterThanOrEqual(1);
        await sleep(wait * 1000);
      }
      expect((await call(server.url, 't1', LIMITED)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('sends ratelimit-limit, -remaining and -reset on every answer, successes and errors alike, 429 included', async () => {
    const server = await serve({ requests: 3, seconds: 60 });
    try {
      const ok = await call(server.url, 't1');
      expect(ok.status).toBe(200);
      expect(figures(ok)).toEqual(['3', '2', expect.stringMatching(/^(?:59|60)$/)]);
      const invalid = await call(server.url, 't1', ACCOUNT, '{}');
      expect(invalid.status).toBe(400);
      expect(figures(invalid).slice(0, 2)).toEqual(['3', '1']);
      const unknown = await call(server.url, 't1', '11111111-2222-4333-8444-555555555555');
      expect(unknown.status).toBe(404);
      expect(figures(unknown).slice(0, 2)).toEqual(['3', '0']);
      const refused = await call(server.url, 't1');
      expect(refused.status).toBe(429);
      expect(figures(refused).slice(0, 2)).toEqual(['3', '0']);
      expect(Number(refused.headers.get('ratelimit-reset'))).toBe(Number(refused.headers.get('retry-after')));
    } finally {
      await server.close();
    }
  });

  it('sends the figures of the limit that binds: the one with the fewest requests remaining', async () => {
    const server = await serve({ requests: 10, seconds: 60 }, { requests: 2, seconds: 30 });
    try {
      expect(figures(await call(server.url, 't1', LIMITED))).toEqual(['2', '1', expect.stringMatching(/^(?:29|30)$/)]);
      expect(figures(await call(server.url, 't1', ACCOUNT))).toEqual(['10', '8', expect.stringMatching(/^(?:59|60)$/)]);
      const last = await call(server.url, 't1', LIMITED);
      expect(last.status).toBe(200);
      expect(figures(last).slice(0, 2)).toEqual(['2', '0']);
      const refused = await call(server.url, 't1', LIMITED);
      expect(refused.status).toBe(429);
      expect(figures(refused).slice(0, 2)).toEqual(['2', '0']);
    } finally {
      await server.close();
    }
  });

  it('sends no rate-limit figures when no limit applies, nor on a 401 (no token, nothing counted)', async () => {
    const server = await serve(undefined);
    try {
      expect(figures(await call(server.url, 't1'))).toEqual([null, null, null]);
    } finally {
      await server.close();
    }
    const limited = await serve({ requests: 3, seconds: 60 });
    try {
      const unauthorized = await call(limited.url, 'wrong');
      expect(unauthorized.status).toBe(401);
      expect(figures(unauthorized)).toEqual([null, null, null]);
    } finally {
      await limited.close();
    }
  });
});

describe('bindingLimit', () => {
  const d = (remaining: number, resetSeconds: number, allowed = true): RateLimitDecision => ({ allowed, limit: 10, remaining, resetSeconds, retryAfterSeconds: allowed ? 0 : resetSeconds });
  it('picks the fewest remaining, then a refusal, then the latest reset', () => {
    expect(bindingLimit([d(5, 10), d(2, 50)])).toEqual(d(2, 50));
    expect(bindingLimit([d(0, 10), d(0, 5, false)])).toEqual(d(0, 5, false));
    expect(bindingLimit([d(3, 10), d(3, 40)])).toEqual(d(3, 40));
    expect(bindingLimit([])).toBeUndefined();
  });
});

