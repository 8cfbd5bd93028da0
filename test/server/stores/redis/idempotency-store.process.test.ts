import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { ApiError } from '../../../../src/errors';
import { SharedStoreUnavailableError } from '../../../../src/server/stores/errors';
import { RedisIdempotencyStore, type RedisIdempotencyOptions } from '../../../../src/server/stores/redis/idempotency-store';
import type { Begin, StoredResponse } from '../../../../src/server/stores/types';
import { RedisServer } from '../../../helpers/redis-server';
import { closeAll, readyClient, rejection } from './clients';

/** A response with bytes that are not valid UTF-8, to show the body is kept byte for byte. */
const RESPONSE: StoredResponse = {
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: Buffer.concat([Buffer.from('{"id":"7"}'), Buffer.from([0xff, 0x00, 0xfe])]),
};

describe('RedisIdempotencyStore', () => {
  let server: RedisServer;
  const opened: Redis[] = [];
  const stores: RedisIdempotencyStore[] = [];
  let n = 0;
  const key = (): string => `token:key-${++n}`;

  /** Two instances' stores, each on its own client. */
  async function twoInstances(options: RedisIdempotencyOptions = {}): Promise<[RedisIdempotencyStore, RedisIdempotencyStore, Redis]> {
    const a = await readyClient(server.url(), opened);
    const b = await readyClient(server.url(), opened);
    const made: [RedisIdempotencyStore, RedisIdempotencyStore] = [new RedisIdempotencyStore(a, { prefix: 'test:', ...options }), new RedisIdempotencyStore(b, { prefix: 'test:', ...options })];
    stores.push(...made);
    return [...made, a];
  }

  beforeAll(async () => { server = await RedisServer.start(); });
  afterAll(async () => {
    for (const store of stores) store.close();
    await closeAll(opened);
    await server.stop();
  });

  /** Starts `begin` on each store; answers the promises and the outcomes in the order they came. */
  function race(pairs: Array<[RedisIdempotencyStore, string]>, k: string): { promises: Array<Promise<Begin>>; settled: Array<{ index: number; begin: Begin }> } {
    const settled: Array<{ index: number; begin: Begin }> = [];
    const promises = pairs.map(([store, fp], index) => store.begin(k, fp).then((begin) => { settled.push({ index, begin }); return begin; }));
    return { promises, settled };
  }

  it('lets one of two concurrent duplicates on two instances run; the other waits and replays its response byte for byte', async () => {
    const [a, b] = await twoInstances();
    const k = key();
    const { promises, settled } = race([[a, 'fp'], [b, 'fp']], k);
    while (settled.length === 0) await sleep(10);
    await sleep(300);
    expect(settled).toEqual([{ index: expect.any(Number), begin: { state: 'new' } }]);
    const holder = settled[0]!.index;
    await [a, b][holder]!.complete(k, RESPONSE);
    const waiter = await promises[1 - holder]!;
    expect(waiter).toEqual({ state: 'replay', response: RESPONSE });
    expect(await b.begin(k, 'fp')).toEqual({ state: 'replay', response: RESPONSE });
  });

  it('answers mismatch to the same key with a different fingerprint, while the first runs and after', async () => {
    const [a, b] = await twoInstances();
    const k = key();
    expect(await a.begin(k, 'fp-1')).toEqual({ state: 'new' });
    expect(await b.begin(k, 'fp-2')).toEqual({ state: 'mismatch' });
    await a.complete(k, RESPONSE);
    expect(await b.begin(k, 'fp-2')).toEqual({ state: 'mismatch' });
    expect(await b.begin(k, 'fp-1')).toEqual({ state: 'replay', response: RESPONSE });
  });

  it('hands an abandoned key to the duplicate waiting for it, and then to the next claim', async () => {
    const [a, b] = await twoInstances();
    const k = key();
    expect(await a.begin(k, 'fp')).toEqual({ state: 'new' });
    const waiting = b.begin(k, 'fp');
    await sleep(100);
    await a.abandon(k);
    expect(await waiting).toEqual({ state: 'new' });
    await b.abandon(k);
    expect(await a.begin(k, 'fp')).toEqual({ state: 'new' });
  });

  it('keeps a response for the TTL only', async () => {
    const [a, b] = await twoInstances({ ttlMs: 500 });
    const k = key();
    await a.begin(k, 'fp');
    await a.complete(k, RESPONSE);
    expect(await b.begin(k, 'fp')).toEqual({ state: 'replay', response: RESPONSE });
    await sleep(800);
    expect(await b.begin(k, 'fp')).toEqual({ state: 'new' });
  });

  it('lets a claim whose instance vanished expire after its lease; the waiting duplicate then runs itself', async () => {
    const [a, b, clientOfA] = await twoInstances({ leaseMs: 400 });
    const k = key();
    expect(await a.begin(k, 'fp')).toEqual({ state: 'new' });
    clientOfA.disconnect(); // the holder's instance is gone: nobody renews, completes or abandons the claim
    expect(await b.begin(k, 'fp')).toEqual({ state: 'new' });
  });

  it('renews the claim of a request that outlasts its lease, so duplicates keep waiting for it', async () => {
    const [a, b] = await twoInstances({ leaseMs: 300 });
    const k = key();
    expect(await a.begin(k, 'fp')).toEqual({ state: 'new' });
    const { promises, settled } = race([[b, 'fp']], k);
    await sleep(1200);
    expect(settled).toEqual([]);
    await a.complete(k, RESPONSE);
    expect(await promises[0]).toEqual({ state: 'replay', response: RESPONSE });
  });

  it('tells a duplicate to retry later (503 with Retry-After) when the first request runs past the longest wait', async () => {
    const [a, b] = await twoInstances({ maxWaitMs: 300 });
    const k = key();
    await a.begin(k, 'fp');
    const err = await rejection(b.begin(k, 'fp'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).not.toBeInstanceOf(SharedStoreUnavailableError);
    expect(err).toMatchObject({ status: 503, headers: { 'Retry-After': expect.stringMatching(/^[1-9]\d*$/) } });
    await a.abandon(k);
  });

  it('fails every call with SharedStoreUnavailableError when its client cannot reach Redis', async () => {
    const [a, , clientOfA] = await twoInstances();
    const k = key();
    await a.begin(k, 'fp');
    clientOfA.disconnect();
    expect(await rejection(a.begin(key(), 'fp'))).toBeInstanceOf(SharedStoreUnavailableError);
    expect(await rejection(a.complete(k, RESPONSE))).toBeInstanceOf(SharedStoreUnavailableError);
  });
});
