import { createSharedStores } from '../../../src/server/stores';

describe('createSharedStores', () => {
  it('gives in-memory stores that limit rates, keep idempotency records and cap concurrency', async () => {
    const stores = createSharedStores(undefined);
    expect(stores.health).toBeUndefined();
    const rate = stores.rateLimit({ requests: 1, seconds: 30 }, 'token');
    expect((await rate.take('k')).allowed).toBe(true);
    expect((await rate.take('k')).allowed).toBe(false);
    expect(await stores.idempotency.begin('k', 'fp')).toEqual({ state: 'new' });
    await stores.idempotency.complete('k', { status: 200, headers: {}, body: Buffer.from('ok') });
    expect(await stores.idempotency.begin('k', 'fp')).toMatchObject({ state: 'replay' });
    const limiter = stores.slotLimiter({ key: 'acct', max: 2, maxQueue: 3, timeoutMs: 1000, describe: 'Jamf instance https://x.example' });
    expect(limiter.max).toBe(2);
    expect(await limiter.run(async () => 'ran')).toBe('ran');
    await stores.close();
  });

  it('counts a rate limit made again with the same name and rate where the first left off, and limits of other names apart', async () => {
    const stores = createSharedStores(undefined);
    const rate = { requests: 1, seconds: 30 };
    expect((await stores.rateLimit(rate, 'account').take('k')).allowed).toBe(true);
    expect((await stores.rateLimit(rate, 'account').take('k')).allowed).toBe(false);
    expect((await stores.rateLimit(rate, 'token').take('k')).allowed).toBe(true);
    expect((await stores.rateLimit({ requests: 2, seconds: 30 }, 'account').take('k')).allowed).toBe(true);
  });

  it('refuses a URL that is not redis:// or rediss://', () => {
    expect(() => createSharedStores('http://cache.internal:6379')).toThrow(/must look like redis:\/\//);
  });
});
