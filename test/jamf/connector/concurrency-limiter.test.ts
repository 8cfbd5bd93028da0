import { getEventListeners } from 'node:events';
import { ApiError } from '../../../src/errors';
import { ConcurrencyLimiter } from '../../../src/jamf/connector/concurrency-limiter';
import type { SlotLimiter } from '../../../src/jamf/connector/types';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs a task that holds its slot until the answered `release()` is called. */
function hold(limiter: SlotLimiter, signal?: AbortSignal): { done: Promise<void>; release: () => void; started: () => boolean } {
  const gate = deferred();
  let started = false;
  const done = limiter.run(async () => { started = true; await gate.promise; }, signal);
  return { done, release: gate.resolve, started: () => started };
}

describe('ConcurrencyLimiter', () => {
  it('runs at most max tasks at once and starts waiters in FIFO order', async () => {
    const limiter = new ConcurrencyLimiter(2, 10, 'test');
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => deferred());
    const runs = gates.map((gate, i) => limiter.run(async () => { started.push(i); await gate.promise; }));
    await tick();
    expect(started).toEqual([0, 1]);
    expect(limiter.load()).toEqual({ running: 2, waiting: 3 });
    gates[1]?.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.resolve();
    gates[2]?.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    gates[3]?.resolve();
    gates[4]?.resolve();
    await Promise.all(runs);
    expect(limiter.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses beyond the queue with a 503 ApiError carrying Retry-After', async () => {
    const limiter = new ConcurrencyLimiter(1, 1, 'Jamf instance https://x.jamfcloud.com');
    const running = hold(limiter);
    const queued = hold(limiter);
    const refused = limiter.run(() => Promise.resolve('never'));
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ status: 503, headers: { 'Retry-After': '1' } });
    await expect(refused).rejects.toThrow('Jamf instance https://x.jamfcloud.com already has 1 requests in flight and 1 waiting; try again shortly.');
    running.release();
    await running.done;
    await tick();
    expect(queued.started()).toBe(true);
    queued.release();
    await queued.done;
    expect(limiter.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('gives the slot back when a task fails, also when it throws before its first await', async () => {
    const limiter = new ConcurrencyLimiter(1, 0, 'test');
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(() => { throw new Error('sync boom'); })).rejects.toThrow('sync boom');
    expect(limiter.load()).toEqual({ running: 0, waiting: 0 });
    await expect(limiter.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('takes a waiter out of the line when its signal aborts, so it never runs', async () => {
    const limiter = new ConcurrencyLimiter(1, 5, 'test');
    const running = hold(limiter);
    const controller = new AbortController();
    const aborted = hold(limiter, controller.signal);
    const next = hold(limiter);
    expect(limiter.load().waiting).toBe(2);
    controller.abort(new Error('deadline'));
    await expect(aborted.done).rejects.toThrow('deadline');
    expect(limiter.load().waiting).toBe(1);
    running.release();
    await running.done;
    await tick();
    expect(aborted.started()).toBe(false);
    expect(next.started()).toBe(true); // the slot went to the next in line, not to the aborted one
    expect(limiter.load()).toEqual({ running: 1, waiting: 0 });
    next.release();
    await next.done;
  });

  it('refuses at once with an already aborted signal instead of waiting forever', async () => {
    const limiter = new ConcurrencyLimiter(1, 5, 'test');
    const running = hold(limiter);
    await expect(limiter.run(() => Promise.resolve(), AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(limiter.load().waiting).toBe(0);
    running.release();
    await running.done;
  });

  it('leaves no abort listener on a waiter\'s signal once it got its slot or gave up', async () => {
    const limiter = new ConcurrencyLimiter(1, 10, 'test');
    const signal = new AbortController().signal;
    const first = hold(limiter);
    const waiters = Array.from({ length: 5 }, () => hold(limiter, signal));
    expect(getEventListeners(signal, 'abort')).toHaveLength(5);
    first.release();
    for (const waiter of waiters) {
      await tick();
      waiter.release();
      await waiter.done;
    }
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    await expect(limiter.close()).resolves.toBeUndefined();
  });
});
