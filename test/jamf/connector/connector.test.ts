import { ApiError, RemoteError } from '../../../src/errors';
import { fullNameXml, recordingDispatcher, rejection, rigPerTest } from './helpers';

type Outcome = { ok: true } | { ok: false; err: RemoteError; ms: number };

describe('Jamf connector limits', () => {
  const rig = rigPerTest();

  it('refuses callers beyond max_queue at once with 503 and Retry-After, without calling Jamf', async () => {
    rig.sim.faults.delayMs = 100;
    const connector = rig.connector({ max_concurrency: 1, max_queue: 2 });
    const started = Date.now();
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i): Promise<Outcome> =>
      connector.updateUser('6', fullNameXml(`Q${i}`), '').then(
        () => ({ ok: true }),
        (err: RemoteError) => ({ ok: false, err, ms: Date.now() - started }),
      )));
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false, false, false]);
    for (const outcome of outcomes) {
      if (outcome.ok) continue;
      expect(outcome.err).toBeInstanceOf(ApiError);
      expect(outcome.err).not.toBeInstanceOf(RemoteError); // our limit, not Jamf's answer
      expect(outcome.err.status).toBe(503);
      expect(outcome.err.headers).toEqual({ 'Retry-After': '1' });
      expect(outcome.err.message).toMatch(/1 requests in flight and 2 waiting; try again shortly/);
      expect(outcome.ms).toBeLessThan(150); // refused at once: the first update alone takes 300 ms
    }
    expect(rig.sim.counters).toMatchObject({ puts: 3, gets: 3, peakConcurrency: 1 });
  });

  it('with max_queue 0, refuses a second caller while one is in flight', async () => {
    rig.sim.faults.delayMs = 50;
    const connector = rig.connector({ max_concurrency: 1, max_queue: 0 });
    const first = connector.updateUser('6', fullNameXml('First'), '');
    const err = await rejection(connector.updateUser('6', fullNameXml('Second'), ''));
    expect(err.status).toBe(503);
    await first;
    await connector.updateUser('6', fullNameXml('Third'), ''); // the slot came back
  });

  it('answers 504 within timeout_ms + 1 s when Jamf never answers, then works again', async () => {
    const connector = rig.connector({ timeout_ms: 500, max_concurrency: 1, max_queue: 0 });
    await connector.updateUser('6', fullNameXml('warm'), '');
    rig.sim.faults.hang = true;
    const started = Date.now();
    const err = await rejection(connector.updateUser('6', fullNameXml('Hung'), ''));
    const ms = Date.now() - started;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(504);
    expect(err.message).toBe('Jamf did not answer the PUT within 500 ms (timeout_ms of integrated account 0b8f3f2e-6c1d-4f4e-9a57-1f2d3c4b5a69).');
    expect(err.rawResponse).toBeNull();
    expect(ms).toBeGreaterThanOrEqual(490);
    expect(ms).toBeLessThan(1500);
    console.info(`hung Jamf: 504 after ${ms} ms (timeout_ms 500)`);
    rig.sim.faults.hang = false;
    const answer = await connector.updateUser('6', fullNameXml('Recovered'), ''); // slot and pool recovered
    expect(answer.user.full_name).toBe('Recovered');
  });

  it('answers 504 when an update waits in the queue past timeout_ms, and never sends it', async () => {
    const connector = rig.connector({ timeout_ms: 300, max_concurrency: 1 });
    await connector.updateUser('1', fullNameXml('warm'), ''); // token in hand
    rig.sim.faults.delayMs = 200; // PUT + GET hold the one slot for over 400 ms
    rig.sim.resetCounters();
    const first = connector.updateUser('6', fullNameXml('Slow but in time'), '');
    const started = Date.now();
    const err = await rejection(connector.updateUser('1', fullNameXml('Never sent'), ''));
    expect(err.status).toBe(504);
    expect(err.message).toMatch(/waited 300 ms .* for one of the 1 connections to Jamf/);
    expect(Date.now() - started).toBeLessThan(1300);
    await first;
    expect(rig.sim.counters).toMatchObject({ puts: 1, gets: 1 });
    expect(rig.sim.users.get(1)?.full_name).toBe('warm');
  });

  it('gives the slot back after every kind of failure', async () => {
    const connector = rig.connector({ timeout_ms: 300, max_concurrency: 1, max_queue: 0 });
    const failures: Array<[string, () => void]> = [
      ['409', () => rig.sim.faults.failNext(1, 409)],
      ['404', () => rig.sim.faults.failNext(1, 404)],
      ['resets', () => rig.sim.faults.resetNext(3)],
      ['503s', () => rig.sim.faults.failNext(3, 503)],
      ['garbled', () => rig.sim.faults.garbleNext(2)],
      ['hang', () => { rig.sim.faults.hang = true; }],
    ];
    for (const [label, inject] of failures) {
      inject();
      const err = await rejection(connector.updateUser('6', fullNameXml(label), ''));
      expect(err).toBeInstanceOf(RemoteError);
      rig.sim.faults.reset();
      // With one slot and no queue, this would be refused (503) had the failure kept the slot.
      const answer = await connector.updateUser('6', fullNameXml(`after ${label}`), '');
      expect(answer.user.full_name).toBe(`after ${label}`);
    }
  });

  it('puts the instance URL\'s path before every request path', async () => {
    const recorded = recordingDispatcher(rig.sim.url);
    try {
      const connector = rig.connector({ instance_url: `${rig.sim.url}/jamf/` }, { dispatcher: recorded.dispatcher });
      await rejection(connector.updateUser('6', fullNameXml('X'), ''));
      expect(recorded.requests[0]).toEqual({ method: 'POST', path: '/jamf/api/oauth/token' });
    } finally {
      await recorded.close();
    }
  });
});
