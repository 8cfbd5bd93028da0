import { ApiError } from '../../../src/errors';
import { ConcurrencyLimiter } from '../../../src/jamf/connector/concurrency-limiter';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimiter', () => {
  it('runs at most max tasks at once and starts waiters in FIFO order', async () => {
    const limiter = new ConcurrencyLimiter(2, 10, 'test');
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => deferred());
    const runs = gates.map((gate, i) => limiter.run(async () => { started.push(i); await gate.promise; }));
    await tick();
    expect(started).toEqual([0, 1]);
    expect(limiter.load).toEqual({ running: 2, waiting: 3 });
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
    expect(limiter.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses beyond the queue with a 503 ApiError carrying Retry-After', async () => {
    const limiter = new ConcurrencyLimiter(1, 1, 'Jamf instance https://x.jamfcloud.com');
    await limiter.acquire();
    const queued = limiter.acquire();
    const refused = limiter.acquire();
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ status: 503, headers: { 'Retry-After': '1' } });
    await expect(refused).rejects.toThrow('Jamf instance https://x.jamfcloud.com already has 1 requests in flight and 1 waiting; try again shortly.');
    limiter.release();
    await queued;
    limiter.release();
    expect(limiter.load).toEqual({ running: 0, waiting: 0 });
  });

  it('gives the slot back when a task fails', async () => {
    const limiter = new ConcurrencyLimiter(1, 0, 'test');
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('takes a waiter out of the line when its signal aborts, so it never runs', async () => {
    const limiter = new ConcurrencyLimiter(1, 5, 'test');
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    expect(limiter.load.waiting).toBe(2);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    expect(limiter.load.waiting).toBe(1);
    limiter.release();
    await next; // the slot went to the next in line, not to the aborted one
    expect(limiter.load).toEqual({ running: 1, waiting: 0 });
  });

  it('refuses at once with an already aborted signal instead of waiting forever', async () => {
    const limiter = new ConcurrencyLimiter(1, 5, 'test');
    await limiter.acquire();
    await expect(limiter.acquire(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(limiter.load.waiting).toBe(0);
  });

  it('throws on a release without an acquire rather than miscounting', () => {
    const limiter = new ConcurrencyLimiter(1, 0, 'test');
    expect(() => limiter.release()).toThrow(/without a matching acquire/);
    expect(limiter.load.running).toBe(0);
  });
});
