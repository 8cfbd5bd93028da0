import { Sleepers } from '../../../src/jamf/simulator/sleepers';

describe('Sleepers (the waits of delayed requests)', () => {
  it('ends each wait after its time; a wait of 0 ms ends at once', async () => {
    const sleepers = new Sleepers();
    const order: string[] = [];
    await Promise.all([
      sleepers.wait(30).then(() => order.push('30 ms')),
      sleepers.wait(1).then(() => order.push('1 ms')),
      sleepers.wait(0).then(() => order.push('0 ms')),
    ]);
    expect(order).toEqual(['0 ms', '1 ms', '30 ms']);
  });

  it('wakeAll ends every wait in progress, and every later one, with its reason', async () => {
    const sleepers = new Sleepers();
    const reason = new Error('closing');
    const waits = Array.from({ length: 30 }, () => sleepers.wait(60_000).then(() => 'slept', (err: unknown) => err));
    sleepers.wakeAll(reason);
    expect(await Promise.all(waits)).toEqual(Array.from({ length: 30 }, () => reason));
    await expect(sleepers.wait(10)).rejects.toBe(reason);
  });
});
