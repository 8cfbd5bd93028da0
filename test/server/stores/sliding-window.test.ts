import { SlidingWindowRateLimit } from '../../../src/server/stores/sliding-window';

describe('SlidingWindowRateLimit', () => {
  it('allows the rate, refuses beyond it with the seconds to wait, and recovers as the window slides', () => {
    let now = 1_000_000;
    const limiter = new SlidingWindowRateLimit({ requests: 3, seconds: 10 }, () => now);
    const wait = (key: string): number => limiter.decide(key).retryAfterSeconds;
    expect([wait('a'), wait('a'), wait('a')]).toEqual([0, 0, 0]);
    expect(wait('a')).toBe(10);
    expect(wait('b')).toBe(0);
    now += 25_000;
    expect(wait('a')).toBe(0);
  });
});

describe('SlidingWindowRateLimit decisions', () => {
  it('says the limit, what remains and when the window resets', async () => {
    const now = 1_000_000;
    const limiter = new SlidingWindowRateLimit({ requests: 2, seconds: 10 }, () => now);
    expect(await limiter.take('k')).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 10, retryAfterSeconds: 0 });
    expect(await limiter.take('k')).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.take('k')).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 10 });
  });
});
