import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { RemoteError } from '../../../src/errors';
import { ConcurrencyLimiter } from '../../../src/jamf/connector/concurrency-limiter';
import type { SlotLimiter } from '../../../src/jamf/connector/types';
import { fullNameXml, rejection, rigPerTest } from './helpers';

/** A real limiter that also counts the tasks it ran and how many of them have ended. */
class CountingLimiter implements SlotLimiter {
  readonly inner = new ConcurrencyLimiter(1, 10, 'counting');
  readonly max = this.inner.max;
  runs = 0;
  ended = 0;
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.inner.run(async () => {
      this.runs++;
      try {
        return await task();
      } finally {
        this.ended++;
      }
    }, signal);
  }
  load(): { running: number; waiting: number } {
    return this.inner.load();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Lets the body's `close` event and the limiter's release run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('Jamf connector slots: held only inside limiter.run, given back exactly once', () => {
  const rig = rigPerTest();
  let limiter: CountingLimiter;
  beforeEach(() => {
    limiter = new CountingLimiter();
  });

  /** After each case: nothing running or waiting, and every task that ran has ended. */
  async function expectNoSlotHeld(): Promise<void> {
    await settle();
    expect(limiter.load()).toEqual({ running: 0, waiting: 0 });
    expect(limiter.ended).toBe(limiter.runs);
  }

  it('after a success, Jamf errors and a timeout, for both read formats', async () => {
    const connector = rig.connector({ timeout_ms: 300 }, { limiter });
    await connector.updateUser('6', fullNameXml('ok'), '');
    await expectNoSlotHeld();
    for (const [status, format] of [[409, 'json'], [500, 'json'], [404, 'xml'], [503, 'xml']] as const) {
      rig.sim.faults.failNext(3, status);
      const call = format === 'json' ? connector.updateUser('6', fullNameXml('x'), '') : connector.updateUserStream('6', fullNameXml('x'), '');
      expect((await rejection(call)).status).toBe(status);
      rig.sim.faults.reset();
      await expectNoSlotHeld();
    }
    rig.sim.faults.hang = true;
    expect((await rejection(connector.updateUser('6', fullNameXml('hung'), ''))).status).toBe(504);
    expect((await rejection(connector.updateUserStream('6', fullNameXml('hung'), ''))).status).toBe(504);
    await expectNoSlotHeld();
    expect(limiter.runs).toBe(7);
  });

  it('after waiting in line past the deadline: the waiter never ran a task', async () => {
    const connector = rig.connector({ timeout_ms: 300 }, { limiter });
    await connector.updateUser('6', fullNameXml('warm'), '');
    rig.sim.faults.delayMs = 250; // the PUT and GET of the first hold the one slot past the second's deadline
    const first = connector.updateUser('6', fullNameXml('slow'), '');
    const err = await rejection(connector.updateUser('1', fullNameXml('never'), ''));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(504);
    await first;
    await expectNoSlotHeld();
    expect(limiter.runs).toBe(2);
  });

  it('holds the slot of a streamed answer until its body has been read', async () => {
    const connector = rig.connector({}, { limiter });
    const stream = await connector.updateUserStream('6', fullNameXml('Streamed'), '');
    await settle();
    expect(limiter.load().running).toBe(1); // handed out, not yet read: still held
    expect(await text(stream.body as Readable)).toContain('<full_name>Streamed</full_name>');
    await expectNoSlotHeld();
  });

  it('gives back the slot of a streamed answer its reader destroyed early, once', async () => {
    rig.sim.faults.largeField = { userId: 6, bytes: 4 * 1024 * 1024 };
    const connector = rig.connector({}, { limiter });
    const unread = await connector.updateUserStream('6', fullNameXml('Unread'), '');
    unread.body.destroy();
    await expectNoSlotHeld();
    const partly = await connector.updateUserStream('6', fullNameXml('Partly read'), '');
    for await (const chunk of partly.body) {
      expect((chunk as Buffer).length).toBeGreaterThan(0);
      break; // leaving the loop destroys the body
    }
    await expectNoSlotHeld();
    expect(limiter.runs).toBe(2);
  });

  it('gives back the slot of a streamed answer whose connection dies mid-body', async () => {
    rig.sim.faults.largeField = { userId: 6, bytes: 64 * 1024 * 1024 };
    const connector = rig.connector({}, { limiter });
    const stream = await connector.updateUserStream('6', fullNameXml('Cut'), '');
    const read = text(stream.body as Readable).then(() => 'ended', (err: unknown) => err);
    await rig.sim.close(); // destroys the connection while the body streams
    expect(await read).toBeInstanceOf(Error);
    await expectNoSlotHeld();
  });

  it('leaves its own limiter empty after a burst of calls (load() is the gauge)', async () => {
    const connector = rig.connector({ max_concurrency: 2, max_queue: 100 });
    rig.sim.faults.failRate(0.3, 409, 7);
    const one = (i: number): Promise<unknown> => (i % 2 === 0
      ? connector.updateUser('6', fullNameXml(`B${i}`), '')
      : connector.updateUserStream('6', fullNameXml(`B${i}`), '').then((s) => text(s.body as Readable)));
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => one(i)));
    expect(outcomes.some((o) => o.status === 'rejected')).toBe(true);
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
    await settle();
    expect(connector.load()).toEqual({ running: 0, waiting: 0 });
  });
});
