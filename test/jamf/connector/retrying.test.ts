import { ApiError, JamfConnectionError, JamfResponseError, JamfStatusError, RemoteError } from '../../../src/errors';
import { Deadline } from '../../../src/jamf/connector/deadline';
import type { JamfResponse } from '../../../src/jamf/connector/response';
import { retrying } from '../../../src/jamf/connector/retrying';
import { renderStatusPage } from '../../../src/jamf/simulator';
import { seededRandom } from '../../../src/jamf/simulator/faults';
import { fullNameXml, rejection, rigPerTest } from './helpers';

/** How many of the simulator's first `draws` seeded draws failed (its own generator). */
function failedDraws(seed: number, draws: number, fraction: number): number {
  const random = seededRandom(seed);
  let failed = 0;
  for (let i = 0; i < draws; i++) if (random() < fraction) failed++;
  return failed;
}

describe('Jamf connector retries', () => {
  const rig = rigPerTest();
  afterEach(() => jest.restoreAllMocks());

  it('carries 200 updates through when 10% of Jamf calls answer 503, retrying each 503', async () => {
    // Seed 2 is a run in which no single call meets three 503s in a row; with one caller the
    // order of draws is fixed, so the run is the same every time.
    const seed = 2;
    rig.sim.faults.failRate(0.1, 503, seed);
    const connector = rig.connector();
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      const answer = await connector.updateUser('6', fullNameXml(`Retry ${i}`), '');
      expect(answer.user.full_name).toBe(`Retry ${i}`);
    }
    const ms = Date.now() - started;
    const { requests } = rig.sim.counters;
    const answered503 = failedDraws(seed, requests, 0.1);
    expect(answered503).toBeGreaterThan(20);
    // Every 503 was followed by exactly one more try of the same call, nothing else was repeated.
    expect(requests).toBe(400 + answered503);
    expect(rig.sim.counters.tokenRequests).toBe(1);
    console.info(`failRate 10%: 200 updates in ${ms} ms, ${answered503} answers 503 retried, ${requests} Jamf calls`);
  }, 30_000);

  it.each([502, 503, 504])('retries a %i and succeeds', async (status) => {
    rig.sim.faults.failNext(2, status);
    const answer = await rig.connector().updateUser('6', fullNameXml('Second try'), '');
    expect(answer.user.full_name).toBe('Second try');
    expect(rig.sim.counters).toMatchObject({ puts: 3, gets: 1 });
  });

  it('makes at most 3 attempts in all, then answers Jamf\'s last status (503) with its page', async () => {
    rig.sim.faults.failNext(4, 503);
    const err = await rejection(rig.connector().updateUser('6', fullNameXml('X'), ''));
    expect(err).toBeInstanceOf(JamfStatusError);
    expect(err.status).toBe(503);
    expect(err.message).toBe('The server is currently unable to handle the request due to a temporary overloading or maintenance of the server');
    expect(err.rawResponse).toBe(renderStatusPage(503));
    expect(rig.sim.counters).toMatchObject({ puts: 3, gets: 0 });
    expect(rig.sim.users.get(6)?.full_name).toBe('');
  });

  it.each([400, 403, 404, 409, 500])('does not retry a %i', async (status) => {
    rig.sim.faults.failNext(1, status);
    const err = await rejection(rig.connector().updateUser('6', fullNameXml('X'), ''));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(status);
    expect(rig.sim.counters).toMatchObject({ requests: 1, puts: 1, gets: 0 });
  });

  it('backs off between attempts, with jitter up to 100 ms then 200 ms', async () => {
    const connector = rig.connector();
    await connector.updateUser('6', fullNameXml('warm'), ''); // token and connections ready
    jest.spyOn(Math, 'random').mockReturnValue(1); // the longest waits the jitter allows
    rig.sim.faults.failNext(2, 503);
    let started = Date.now();
    await connector.updateUser('6', fullNameXml('slow'), '');
    const longest = Date.now() - started;
    jest.spyOn(Math, 'random').mockReturnValue(0); // the shortest
    rig.sim.faults.failNext(2, 503);
    started = Date.now();
    await connector.updateUser('6', fullNameXml('quick'), '');
    const shortest = Date.now() - started;
    expect(longest).toBeGreaterThanOrEqual(295);
    expect(longest).toBeLessThan(1000);
    expect(shortest).toBeLessThan(longest - 200);
  });

  it('waits as long as Retry-After says before trying again', async () => {
    const connector = rig.connector();
    rig.sim.faults.failNext(1, 503, { retryAfter: 1 });
    const started = Date.now();
    const answer = await connector.updateUser('6', fullNameXml('After a second'), '');
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(answer.user.full_name).toBe('After a second');
    expect(rig.sim.counters.puts).toBe(2);
  });

  it('does not wait for a Retry-After beyond the deadline: Jamf\'s 503 at once', async () => {
    const connector = rig.connector({ timeout_ms: 1000 });
    rig.sim.faults.failNext(1, 503, { retryAfter: 5 });
    const started = Date.now();
    const err = await rejection(connector.updateUser('6', fullNameXml('X'), ''));
    expect(Date.now() - started).toBeLessThan(500);
    expect(err.status).toBe(503);
    expect(err.headers).toEqual({ 'Retry-After': '5' });
    expect(rig.sim.counters.puts).toBe(1);
  });

  it('retries a reset connection and succeeds', async () => {
    rig.sim.faults.resetNext(2);
    const answer = await rig.connector().updateUser('6', fullNameXml('After resets'), '');
    expect(answer.user.full_name).toBe('After resets');
    expect(rig.sim.counters).toMatchObject({ puts: 3, gets: 1 });
  });

  it('answers 502 when every attempt is reset', async () => {
    rig.sim.faults.resetNext(10);
    const err = await rejection(rig.connector().updateUser('6', fullNameXml('X'), ''));
    expect(err).toBeInstanceOf(JamfConnectionError);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(502);
    expect(err.message).toMatch(/^The connection to Jamf at http:\/\/127\.0\.0\.1:\d+ failed during the PUT: /);
    expect(err.rawResponse).toBeNull();
    expect(rig.sim.counters.puts).toBe(3);
  });

  it('answers 502 with the raw text when Jamf\'s answer cannot be read', async () => {
    rig.sim.faults.garbleNext(2); // the PUT (whose body is not needed) and the GET
    const err = await rejection(rig.connector().updateUser('6', fullNameXml('Garbled'), ''));
    expect(err).toBeInstanceOf(JamfResponseError);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(502);
    expect(err.message).toBe('Jamf answered the GET of the user with a body that is not valid JSON.');
    const raw = err.rawResponse as string;
    expect(typeof raw).toBe('string');
    expect(raw.startsWith('{"user":{"id":6,"name":"Twanda9039","full_name":"Garbled"')).toBe(true);
    expect(() => JSON.parse(raw) as unknown).toThrow();
    expect(rig.sim.counters).toMatchObject({ puts: 1, gets: 1 }); // an unreadable 200 is not retried
  });

  it('answers Jamf\'s 502 when Jamf keeps failing with it on the GET', async () => {
    const connector = rig.connector();
    await connector.updateUser('6', fullNameXml('warm'), '');
    rig.sim.resetCounters();
    const put = connector.updateUser('6', fullNameXml('Written'), '');
    // Let the PUT through, then fail the GET three times. The simulator decides a call's fault in the
    // same step as it records the body, so once the PUT's body is recorded its fault is settled.
    while (rig.sim.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    rig.sim.faults.failNext(3, 502);
    const err = await rejection(put);
    expect(err).toBeInstanceOf(JamfStatusError);
    expect(err.status).toBe(502);
    expect(err.message).toBe('The server, while acting as a gateway or proxy, received an invalid response from the upstream server it accessed in attempting to fulfill the request');
    expect(rig.sim.counters).toMatchObject({ puts: 1, gets: 3 });
    expect(rig.sim.users.get(6)?.full_name).toBe('Written');
  });
});

describe('retrying', () => {
  const reset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

  it('tries a connection failure 3 times in all, telling each retry, then throws it as failure() says', async () => {
    const deadline = new Deadline(10_000);
    let sends = 0;
    let retries = 0;
    try {
      const err = await retrying(() => { sends++; return Promise.reject(reset()); }, {
        deadline, random: () => 0, onRetry: () => { retries++; }, failure: (e) => new Error(`failed: ${(e as { code: string }).code}`),
      }).catch((e: unknown) => e);
      expect(err).toEqual(new Error('failed: ECONNRESET'));
      expect([sends, retries]).toEqual([3, 2]);
    } finally {
      deadline.clear();
    }
  });

  it('does not retry an ApiError, nor anything once the deadline has passed', async () => {
    const deadline = new Deadline(10_000);
    let sends = 0;
    try {
      const own = new ApiError(401, 'no');
      await expect(retrying(() => { sends++; return Promise.reject(own); }, { deadline, failure: (e) => e })).rejects.toBe(own);
      expect(sends).toBe(1);
    } finally {
      deadline.clear();
    }
    const passed = new Deadline(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    sends = 0;
    await expect(retrying(() => { sends++; return Promise.reject(reset()); }, { deadline: passed, failure: () => 'late' })).rejects.toBe('late');
    expect(sends).toBe(1);
  });

  it('does not count the one more try that again() asks for (a renewed token) as one of the 3 attempts', async () => {
    const deadline = new Deadline(10_000);
    const answer = (statusCode: number): JamfResponse => ({ statusCode, headers: {}, body: { dump: () => Promise.resolve() } }) as unknown as JamfResponse;
    const statuses = [401, 503, 503, 200];
    let sends = 0;
    let asked = 0;
    try {
      const res = await retrying(() => Promise.resolve(answer(statuses[sends++] ?? 500)), {
        deadline, random: () => 0, failure: (e) => e, again: (res) => res.statusCode === 401 && ++asked === 1,
      });
      expect([res.statusCode, sends, asked]).toEqual([200, 4, 1]);
    } finally {
      deadline.clear();
    }
  });
});
