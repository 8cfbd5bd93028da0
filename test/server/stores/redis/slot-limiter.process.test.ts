import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { TimeoutError } from 'redis-semaphore';
import { ApiError } from '../../../../src/errors';
import { SharedStoreUnavailableError } from '../../../../src/server/stores/errors';
import { RedisSlotLimiter } from '../../../../src/server/stores/redis/slot-limiter';
import type { SlotLimiterOptions } from '../../../../src/server/stores/types';
import { RedisServer } from '../../../helpers/redis-server';
import { closeAll, readyClient, rejection } from './clients';

/** A task that runs until `finish()`; `started` resolves when it begins. */
function gate(): { task: () => Promise<string>; started: Promise<void>; finish: () => void; ran: () => boolean } {
  let finish!: () => void;
  let begin!: () => void;
  let ran = false;
  const started = new Promise<void>((resolve) => { begin = resolve; });
  const done = new Promise<void>((resolve) => { finish = resolve; });
  return { task: async () => { ran = true; begin(); await done; return 'done'; }, started, finish, ran: () => ran };
}

describe('RedisSlotLimiter', () => {
  let server: RedisServer;
  const opened: Redis[] = [];
  const limiters: RedisSlotLimiter[] = [];
  let n = 0;

  /** A limiter of one instance (its own client) on the account `key`. */
  async function instance(key: string, options: Partial<SlotLimiterOptions> & { leaseMarginMs?: number } = {}): Promise<{ limiter: RedisSlotLimiter; client: Redis }> {
    const client = await readyClient(server.url(), opened);
    const limiter = new RedisSlotLimiter(client, { key, max: 1, maxQueue: 10, timeoutMs: 10_000, describe: 'Jamf instance https://x.example', prefix: 'test:', ...options });
    limiters.push(limiter);
    return { limiter, client };
  }
  const account = (): string => `account-${++n}`;

  beforeAll(async () => { server = await RedisServer.start(); });
  afterAll(async () => {
    await Promise.all(limiters.map((limiter) => limiter.close()));
    await closeAll(opened);
    await server.stop();
  });

  it('never runs more than max tasks at once across two instances sharing an account', async () => {
    const key = account();
    const [{ limiter: a }, { limiter: b }] = [await instance(key, { max: 3 }), await instance(key, { max: 3 })];
    let running = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      peak = Math.max(peak, ++running);
      await sleep(40);
      running--;
    };
    await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).run(task)));
    expect(peak).toBe(3);
  });

  it('refuses a caller at once with 503 and Retry-After when this instance already has max_queue waiting', async () => {
    const { limiter } = await instance(account(), { max: 1, maxQueue: 1 });
    const holder = gate();
    const running = limiter.run(holder.task);
    await holder.started;
    const queued = limiter.run(async () => 'queued');
    expect(limiter.load()).toEqual({ running: 1, waiting: 1 });
    const err = await rejection(limiter.run(async () => 'refused'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 503, headers: { 'Retry-After': '1' }, message: expect.stringMatching(/^Jamf instance https:\/\/x\.example already has 1 requests in flight and 1 waiting; try again shortly\.$/) });
    holder.finish();
    expect(await Promise.all([running, queued])).toEqual(['done', 'queued']);
    expect(limiter.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('stops waiting for a slot held by another instance when the caller aborts, rejecting with its reason', async () => {
    const key = account();
    const [{ limiter: a }, { limiter: b }] = [await instance(key), await instance(key)];
    const holder = gate();
    const running = a.run(holder.task);
    await holder.started;
    const controller = new AbortController();
    const waiter = gate();
    const waiting = b.run(waiter.task, controller.signal);
    await sleep(100);
    const reason = new Error('deadline of 100 ms');
    controller.abort(reason);
    expect(await rejection(waiting)).toBe(reason);
    expect(waiter.ran()).toBe(false);
    expect(b.load()).toEqual({ running: 0, waiting: 0 });
    holder.finish();
    await running;
    expect(await b.run(async () => 'served')).toBe('served');
  });

  it('gives up waiting after timeout_ms when the caller passes no signal', async () => {
    const key = account();
    const [{ limiter: a }, { limiter: b }] = [await instance(key), await instance(key, { timeoutMs: 300 })];
    const holder = gate();
    const running = a.run(holder.task);
    await holder.started;
    expect(await rejection(b.run(async () => 'never'))).toBeInstanceOf(TimeoutError);
    holder.finish();
    await running;
  });

  it('gets back the slots of an instance that vanished once their lease ends', async () => {
    const key = account();
    const dead = await instance(key, { max: 2, timeoutMs: 200, leaseMarginMs: 800 });
    const stuck = [gate(), gate()];
    for (const g of stuck) void dead.limiter.run(g.task).catch(() => {});
    await Promise.all(stuck.map((g) => g.started));
    dead.client.disconnect(); // killed: its tasks never end, nothing renews or gives back their slots
    const { limiter } = await instance(key, { max: 2 });
    expect(await Promise.all([limiter.run(async () => 1), limiter.run(async () => 2)])).toEqual([1, 2]);
  });

  it('renews the slot of a task that outlasts its lease, so no one else gets it meanwhile', async () => {
    const key = account();
    const [{ limiter: a }, { limiter: b }] = [await instance(key, { timeoutMs: 200, leaseMarginMs: 300 }), await instance(key)];
    let running = 0;
    let peak = 0;
    const task = (ms: number) => async (): Promise<void> => {
      peak = Math.max(peak, ++running);
      await sleep(ms);
      running--;
    };
    const long = a.run(task(1500));
    await sleep(50);
    await Promise.all([long, b.run(task(10))]);
    expect(peak).toBe(1);
  });

  it('gives back the slots it holds on close, without waiting for their lease', async () => {
    const key = account();
    const [{ limiter: a }, { limiter: b }] = [await instance(key), await instance(key, { timeoutMs: 1000 })];
    const holder = gate();
    void a.run(holder.task);
    await holder.started;
    await a.close();
    expect(await b.run(async () => 'served')).toBe('served');
    holder.finish();
  });

  it('fails with SharedStoreUnavailableError, running nothing, when its client cannot reach Redis', async () => {
    const { limiter, client } = await instance(account());
    client.disconnect();
    const task = gate();
    expect(await rejection(limiter.run(task.task))).toBeInstanceOf(SharedStoreUnavailableError);
    expect(task.ran()).toBe(false);
    expect(limiter.load()).toEqual({ running: 0, waiting: 0 });
  });
});
