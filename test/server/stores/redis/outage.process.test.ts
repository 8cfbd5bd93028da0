import { setTimeout as sleep } from 'node:timers/promises';
import { SharedStoreUnavailableError } from '../../../../src/server/stores/errors';
import { createRedisStores } from '../../../../src/server/stores/redis';
import type { SharedStores } from '../../../../src/server/stores/types';
import { RedisServer } from '../../../helpers/redis-server';
import { rejection } from './clients';

/** Runs `attempt` until it succeeds, for at most `ms`; rejects with its last error after that. */
async function within<T>(ms: number, attempt: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() >= giveUpAt) throw err;
      await sleep(50);
    }
  }
}

describe('Redis stores through an outage', () => {
  let server: RedisServer;
  let stores: SharedStores;
  const events: string[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
    stores = createRedisStores(server.url(), { prefix: 'test:', log: (event) => events.push(`${event.level}: ${event.message}`) });
    await within(5000, () => stores.health!.ping());
  });
  afterAll(async () => {
    await stores.close();
    await server.stop();
  });

  /** One call of every kind, each answering what it got. */
  function everyCall(tag: string, heldKey: string): Array<Promise<unknown>> {
    const limiter = stores.slotLimiter({ key: `account-${tag}`, max: 2, maxQueue: 5, timeoutMs: 5000, describe: 'Jamf instance https://x.example' });
    return [
      stores.health!.ping(),
      stores.rateLimit({ requests: 10, seconds: 60 }, 'token').take(`t-${tag}`),
      stores.idempotency.begin(`k-${tag}`, 'fp'),
      stores.idempotency.complete(heldKey, { status: 200, headers: {}, body: Buffer.from('{}') }),
      limiter.run(async () => 'ran'),
    ];
  }

  it('fails every call with SharedStoreUnavailableError while Redis is down, and serves again within 5 s of its return with the same objects', async () => {
    await stores.idempotency.begin('held-1', 'fp');
    await stores.idempotency.begin('held-2', 'fp');
    await stores.idempotency.begin('held-3', 'fp');
    await Promise.all(everyCall('before', 'held-1'));

    await server.stop();
    const failures = await Promise.all(everyCall('down', 'held-2').map((call) => rejection(call)));
    for (const err of failures) expect(err).toBeInstanceOf(SharedStoreUnavailableError);
    expect(await rejection(stores.idempotency.abandon('held-3'))).toBeInstanceOf(SharedStoreUnavailableError);
    expect(events.some((e) => e.startsWith('warn: Redis at redis://127.0.0.1:'))).toBe(true);

    await server.restart();
    await within(5000, () => stores.health!.ping());
    const results = await Promise.all(everyCall('after', 'held-2'));
    expect(results[1]).toMatchObject({ allowed: true });
    expect(results[2]).toEqual({ state: 'new' });
    expect(results[4]).toBe('ran');
    expect(events.at(-1)).toMatch(/^info: Redis at .* is available again\.$/);
  });

  it('fails every call with SharedStoreUnavailableError while Redis hangs (commands time out), and serves again once it answers', async () => {
    await stores.idempotency.begin('held-4', 'fp');
    server.pause();
    try {
      const failures = await Promise.all(everyCall('hung', 'held-4').map((call) => rejection(call)));
      for (const err of failures) expect(err).toBeInstanceOf(SharedStoreUnavailableError);
    } finally {
      server.resume();
    }
    let attempt = 0;
    const results = await within(5000, () => Promise.all(everyCall(`resumed-${++attempt}`, 'held-5')));
    expect(results[1]).toMatchObject({ allowed: true });
    expect(results[4]).toBe('ran');
  });
});
