import { randomUUID } from 'node:crypto';
import type { LocalJamfSimulator } from '../../src/jamf/simulator';
import { RedisServer } from '../helpers/redis-server';
import { eventually, jamfAndAccounts, readiness, rename, startFleet, stopFleet, type Answer, type Instance } from './fleet';

jest.setTimeout(240_000);

const USERS = [1, 6, 23423523] as const;
const TOKEN = 'outage-token-0123456789abcdefghijklmnopq';
const REDIS_PASSWORD = 'outage-redis-s3cret';
const auth = { authorization: `Bearer ${TOKEN}` };
/**
 * The bounds: a request that needs Redis is refused within 1 s, and instances serve again
 * within 5 s of Redis coming back. Checked with this much slack for a loaded 2-core machine (the test
 * process, three servers, Redis and Jamf share it).
 */
const REFUSAL_BOUND_MS = 1000;
const RECOVERY_BOUND_MS = 5000;
const SLACK_MS = 3000;

/**
 * A 503 of the shared store: the envelope, `Retry-After`, naming Redis and nothing of its address,
 * answered within the bound of the moment Redis was gone (`goneAt`) or of its sending, whichever came
 * later (a request already queued for Jamf when Redis went away waits no longer on Redis than one sent after).
 */
function expectStoreRefusal(answer: Answer, goneAt: number): void {
  expect(answer.status).toBe(503);
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 503, message: expect.stringMatching(/^Redis .*unavailable/) });
  expect(answer.endedAt - Math.max(answer.startedAt, goneAt)).toBeLessThanOrEqual(REFUSAL_BOUND_MS + SLACK_MS);
}

/** Updates carried out by {@link allServe} (each one Jamf PUT). */
let probesWritten = 0;

/** Every instance answers /readyz 200 and carries out an update. */
async function allServe(fleet: readonly Instance[]): Promise<boolean> {
  const checks = await Promise.all(fleet.map(async (instance) => {
    if ((await readiness(instance)).status !== 200) return false;
    const written = (await rename(instance, 1, `probe-${randomUUID()}`, auth)).status === 200;
    if (written) probesWritten++;
    return written;
  }));
  return checks.every(Boolean);
}

describe('instances on a Redis that goes away and comes back', () => {
  let redis: RedisServer;
  let jamf: LocalJamfSimulator;
  let fleet: Instance[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start(['--requirepass', REDIS_PASSWORD]);
    const setUp = await jamfAndAccounts({ max_concurrency: 4, timeout_ms: 60_000 });
    jamf = setUp.jamf;
    jamf.faults.delayMs = 20;
    fleet = await startFleet(3, () => ({
      MDM_ACCOUNTS_FILE: setUp.accountsFile, MDM_API_TOKENS: TOKEN, MDM_REDIS_URL: redis.url({ password: REDIS_PASSWORD, db: 1 }), MDM_RATE_LIMIT_PER_TOKEN: '1000000/60s',
    }));
  });

  afterAll(async () => {
    await stopFleet(fleet);
    await jamf?.close();
    await redis?.stop();
  });

  it('refuses with 503 while Redis is stopped mid-load, is not ready, serves again by itself, and writes no update twice', async () => {
    jamf.resetCounters();
    probesWritten = 0;
    const UPDATES = 90;
    const refusals: Answer[] = [];
    const unexpected: Answer[] = [];
    let done = 0;
    /** One update, its key kept across retries: sent round the fleet until it is carried out. */
    const update = async (i: number): Promise<void> => {
      const headers = { ...auth, 'idempotency-key': `outage-${i}-${randomUUID()}` };
      for (let attempt = 0; ; attempt++) {
        const answer = await rename(fleet[(i + attempt) % 3] as Instance, USERS[i % 3] as number, `outage-${i}`, headers);
        if (answer.status === 200) { done++; return; }
        (answer.status === 503 ? refusals : unexpected).push(answer);
        if (answer.status !== 503) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    const pending = new Set<number>(Array.from({ length: UPDATES }, (_, i) => i));
    const workers = Array.from({ length: 12 }, async () => {
      for (let i = pending.values().next(); !i.done; i = pending.values().next()) {
        pending.delete(i.value);
        await update(i.value);
      }
    });

    await eventually(async () => done >= 20, 120_000, 'the first updates');
    await redis.stop();
    const stoppedAt = performance.now();
    await eventually(async () => refusals.length >= 10, 60_000, 'refusals while Redis is stopped');
    for (const instance of fleet) {
      const ready = await readiness(instance);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatch(/Redis/);
    }
    await redis.restart();
    const recoveredMs = await eventually(() => allServe(fleet), 60_000, 'every instance serving again');
    await Promise.all(workers);

    expect(unexpected).toEqual([]);
    expect(done).toBe(UPDATES);
    for (const refusal of refusals) expectStoreRefusal(refusal, stoppedAt);
    expect(recoveredMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS + SLACK_MS);
    // Each update was written to Jamf once, whatever number of times it was sent (besides the recovery probes).
    expect(jamf.counters.puts - probesWritten).toBe(UPDATES);
    for (const instance of fleet) {
      expect(instance.output()).toMatch(/Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/1 is unavailable/);
      expect(instance.output()).not.toContain(REDIS_PASSWORD);
    }
  });

  it('refuses with 503 within about the command timeout while Redis hangs, and serves again once it answers', async () => {
    redis.pause();
    const pausedAt = performance.now();
    try {
      const answers = await Promise.all(fleet.map((instance, i) => rename(instance, USERS[i] as number, `hung-${i}`, auth)));
      for (const answer of answers) expectStoreRefusal(answer, pausedAt);
      expect((await readiness(fleet[0] as Instance)).status).toBe(503);
    } finally {
      redis.resume();
    }
    const recoveredMs = await eventually(() => allServe(fleet), 60_000, 'every instance serving again');
    expect(recoveredMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS + SLACK_MS);
  });
});
