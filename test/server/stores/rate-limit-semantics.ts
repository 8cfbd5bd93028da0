import { setTimeout as sleep } from 'node:timers/promises';
import type { Rate, RateLimitDecision, RateLimitStore } from '../../../src/server/stores/types';

/** Makes `count` stores of one rate limit named `name` (several instances of it, where the kind allows). */
export type MakeStores = (rate: Rate, name: string, count: number) => RateLimitStore[];

/**
 * The behaviour every RateLimitStore shares (in memory and on Redis): a fixed window per key, exactly
 * `requests` admitted in it, header figures consistent with what happens next.
 */
export function rateLimitSemantics(make: () => MakeStores): void {
  it('admits exactly the rate per window, counting down remaining, however the requests are spread', async () => {
    const stores = make()({ requests: 5, seconds: 30 }, 'exact', 2);
    const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % stores.length]!.take('token-a')));
    const allowed = decisions.filter((d) => d.allowed);
    expect(allowed).toHaveLength(5);
    expect(allowed.map((d) => d.remaining).sort()).toEqual([0, 1, 2, 3, 4]);
    for (const d of decisions) {
      expect(d.limit).toBe(5);
      expect(d.resetSeconds).toBeGreaterThanOrEqual(1);
      expect(d.resetSeconds).toBeLessThanOrEqual(30);
      expect(d.retryAfterSeconds).toBe(d.allowed ? 0 : d.resetSeconds);
      if (!d.allowed) expect(d.remaining).toBe(0);
    }
  });

  it('counts each key on its own', async () => {
    const [store] = make()({ requests: 1, seconds: 30 }, 'per-key', 1);
    expect((await store!.take('a')).allowed).toBe(true);
    expect((await store!.take('a')).allowed).toBe(false);
    expect((await store!.take('b')).allowed).toBe(true);
  });

  it('admits a refused request repeated exactly Retry-After seconds later, Retry-After being the rest of the window', async () => {
    const stores = make()({ requests: 2, seconds: 2 }, 'retry-after', 2);
    const [first, second] = [stores[0]!, stores[stores.length - 1]!];
    expect((await first.take('k')).allowed).toBe(true);
    expect((await second.take('k')).allowed).toBe(true);
    await sleep(1100);
    const refused: RateLimitDecision = await first.take('k');
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1, resetSeconds: 1 });
    await sleep(refused.retryAfterSeconds * 1000);
    expect(await second.take('k')).toMatchObject({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
  });
}
