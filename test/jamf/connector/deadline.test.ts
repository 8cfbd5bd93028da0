import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Deadline, DeadlineExceeded } from '../../../src/jamf/connector/deadline';

describe('Deadline', () => {
  it('aborts its signal with a DeadlineExceeded once its time has passed', async () => {
    const deadline = new Deadline(10);
    expect(deadline.passed).toBe(false);
    expect(deadline.remaining()).toBeGreaterThan(0);
    const aborted = new Promise<unknown>((resolve) => deadline.signal.addEventListener('abort', () => resolve(deadline.signal.reason), { once: true }));
    const reason = await aborted;
    expect(reason).toBeInstanceOf(DeadlineExceeded);
    expect(reason).toMatchObject({ ms: 10, message: 'deadline of 10 ms passed' });
    expect(deadline.passed).toBe(true);
    expect(deadline.remaining()).toBeLessThanOrEqual(0);
    expect(getEventListeners(deadline.signal, 'abort')).toHaveLength(0); // a once listener is gone after firing
  });

  it('never aborts once cleared, and clearing twice is harmless', async () => {
    const deadline = new Deadline(5);
    deadline.clear();
    deadline.clear();
    await sleep(30);
    expect(deadline.passed).toBe(false);
    expect(deadline.signal.aborted).toBe(false);
  });

  it('gives every call its own signal', () => {
    const a = new Deadline(1000);
    const b = new Deadline(1000);
    try {
      expect(a.signal).not.toBe(b.signal);
      expect(a.ms).toBe(1000);
    } finally {
      a.clear();
      b.clear();
    }
  });
});
