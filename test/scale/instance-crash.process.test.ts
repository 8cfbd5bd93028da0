import { once } from 'node:events';
import type { LocalJamfSimulator } from '../../src/jamf/simulator';
import { RedisServer } from '../helpers/redis-server';
import { eventually, jamfAndAccounts, rename, startFleet, stopFleet, type Answer, type Instance } from './fleet';

jest.setTimeout(240_000);

const USERS = [1, 6, 23423523] as const;
const TOKEN = 'crash-token-0123456789abcdefghijklmnopqrs';
const auth = { authorization: `Bearer ${TOKEN}` };
const MAX = 3;
const TIMEOUT_MS = 4000;
/** The bound: a killed instance's slots are usable again within timeout_ms + 5 s; checked with this slack for a loaded machine. */
const RECOVERY_BOUND_MS = TIMEOUT_MS + 5000;
const SLACK_MS = 3000;

describe('an instance killed while it holds Jamf slots', () => {
  let redis: RedisServer;
  let jamf: LocalJamfSimulator;
  let fleet: Instance[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    const setUp = await jamfAndAccounts({ max_concurrency: MAX, timeout_ms: TIMEOUT_MS });
    jamf = setUp.jamf;
    fleet = await startFleet(3, () => ({ MDM_ACCOUNTS_FILE: setUp.accountsFile, MDM_API_TOKENS: TOKEN, MDM_REDIS_URL: redis.url() }));
  });

  afterAll(async () => {
    await stopFleet(fleet);
    await jamf?.close();
    await redis?.stop();
  });

  it('gives its slots back to the other instances within timeout_ms + 5 s of SIGKILL', async () => {
    const [doomed, ...survivors] = fleet as [Instance, Instance, Instance];
    // The doomed instance takes every slot of the account, on calls Jamf never answers.
    jamf.faults.hang = true;
    const held = Array.from({ length: MAX }, (_, i) => rename(doomed, USERS[i] as number, `held-${i}`, auth).catch(() => undefined));
    await eventually(async () => jamf.counters.inFlight === MAX, 60_000, 'the doomed instance holding every slot');
    jamf.faults.hang = false;
    jamf.faults.delayMs = 150; // so that the calls of one batch overlap at Jamf

    const exited = once(doomed.child, 'exit');
    doomed.child.kill('SIGKILL');
    await exited;
    await Promise.all(held);
    const killedAt = performance.now();

    // Batches of MAX concurrent updates on the survivors, until one batch is carried out whole and at once.
    const refusedMeanwhile: Answer[] = [];
    let recoveredAt: number | undefined;
    for (let batch = 0; recoveredAt === undefined; batch++) {
      if (performance.now() - killedAt > 60_000) throw new Error('the slots never came back');
      jamf.resetCounters();
      const answers = await Promise.all(Array.from({ length: MAX }, (_, i) =>
        rename(survivors[i % 2] as Instance, USERS[i] as number, `after-${batch}-${i}`, auth)));
      if (answers.every((a) => a.status === 200) && jamf.counters.peakConcurrency === MAX) recoveredAt = Math.max(...answers.map((a) => a.endedAt));
      else refusedMeanwhile.push(...answers.filter((a) => a.status !== 200));
    }
    jamf.faults.delayMs = 0;

    // While the dead instance's leases ran, the survivors waited their timeout_ms for a slot and answered 504.
    expect(refusedMeanwhile.length).toBeGreaterThan(0);
    for (const refused of refusedMeanwhile) {
      expect(refused.status).toBe(504);
      expect(JSON.parse(refused.body)).toMatchObject({ message: expect.stringMatching(new RegExp(`waited ${TIMEOUT_MS} ms .* for one of the ${MAX} connections`)) });
    }
    expect(recoveredAt - killedAt).toBeLessThanOrEqual(RECOVERY_BOUND_MS + SLACK_MS);
  });
});
