import { randomUUID } from 'node:crypto';
import type { LocalJamfSimulator } from '../../src/jamf/simulator';
import { RedisServer } from '../helpers/redis-server';
import { ACCOUNTS, jamfAndAccounts, rename, startFleet, stopFleet, type Answer, type Instance } from './fleet';

jest.setTimeout(180_000);

/** The simulator's seeded users; updates go round them. */
const USERS = [1, 6, 23423523] as const;
const TOKEN_A = 'fleet-token-a-0123456789abcdefghijklmnop';
const TOKEN_B = 'fleet-token-b-0123456789abcdefghijklmnop';
const TOKEN_C = 'fleet-token-c-0123456789abcdefghijklmnop';
/** Each instance lists the tokens in its own order (one lists a single token), as during a rotation. */
const TOKEN_LISTS = [`${TOKEN_A},${TOKEN_B},${TOKEN_C}`, `${TOKEN_C},${TOKEN_B},${TOKEN_A}`, `${TOKEN_B},${TOKEN_A},${TOKEN_C}`];
const REDIS_PASSWORD = 'fleet-redis-s3cret';
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

const statuses = (answers: readonly Answer[]): Record<number, number> => {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

describe('three instances on one Redis', () => {
  const MAX = 4;
  let redis: RedisServer;
  let jamf: LocalJamfSimulator;
  let fleet: Instance[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start(['--requirepass', REDIS_PASSWORD]);
    const setUp = await jamfAndAccounts({ max_concurrency: MAX, timeout_ms: 90_000 });
    jamf = setUp.jamf;
    fleet = await startFleet(3, (i) => ({
      MDM_ACCOUNTS_FILE: setUp.accountsFile,
      MDM_API_TOKENS: TOKEN_LISTS[i] ?? TOKEN_A,
      MDM_REDIS_URL: redis.url({ password: REDIS_PASSWORD, db: 2 }),
      MDM_RATE_LIMIT_PER_TOKEN: '1000000/60s',
    }));
  });

  afterAll(async () => {
    await stopFleet(fleet);
    await jamf?.close();
    await redis?.stop();
  });

  it('carries out 150 concurrent updates of one account spread over the three, never more than its max_concurrency at Jamf at once', async () => {
    jamf.resetCounters();
    jamf.faults.delayMs = 20;
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) =>
      rename(fleet[i % 3] as Instance, USERS[i % 3] as number, `fleet-${i}`, bearer(TOKEN_A))));
    jamf.faults.delayMs = 0;
    expect(statuses(answers)).toEqual({ 200: 150 });
    expect(jamf.counters.puts).toBe(150);
    // The cap holds across the fleet, and the fleet uses all of it (three instances do not share it out as 4/3 each).
    expect(jamf.counters.peakConcurrency).toBe(MAX);
    // Jamf tokens are not shared: each instance signed in once and kept its own.
    expect(jamf.counters.tokenRequests).toBe(3);
  });

  it('carries out one Idempotency-Key sent to all three at once exactly once, and answers all three alike', async () => {
    jamf.resetCounters();
    jamf.faults.delayMs = 300;
    const key = randomUUID();
    const answers = await Promise.all(fleet.map((instance) => rename(instance, 6, 'once-only', { ...bearer(TOKEN_A), 'idempotency-key': key })));
    jamf.faults.delayMs = 0;
    expect(jamf.counters.puts).toBe(1);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(JSON.parse(answers[0]?.body ?? '{}')).toMatchObject({ id: '6', name: 'once-only' });
    expect(new Set(answers.map((a) => a.headers.get('content-type'))).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(2);
  });
});

describe('rate limits shared by three instances', () => {
  const TOKEN_LIMIT = 20;
  const ACCOUNT_LIMIT = 25;
  let redis: RedisServer;
  let jamf: LocalJamfSimulator;
  let fleet: Instance[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    // A window far longer than the test, so that no count starts over while it runs.
    const setUp = await jamfAndAccounts({}, { rate_limit: `${ACCOUNT_LIMIT}/3600s` });
    jamf = setUp.jamf;
    fleet = await startFleet(3, (i) => ({
      MDM_ACCOUNTS_FILE: setUp.accountsFile,
      MDM_API_TOKENS: TOKEN_LISTS[i] ?? TOKEN_A,
      MDM_REDIS_URL: redis.url(),
      MDM_RATE_LIMIT_PER_TOKEN: `${TOKEN_LIMIT}/3600s`,
    }));
  });

  afterAll(async () => {
    await stopFleet(fleet);
    await jamf?.close();
    await redis?.stop();
  });

  it('admits at most the per-token limit across the fleet, whatever the order of each instance\'s token list', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      rename(fleet[i % 3] as Instance, USERS[i % 3] as number, `token-limited-${i}`, bearer(TOKEN_A))));
    expect(statuses(answers)).toEqual({ 200: TOKEN_LIMIT, 429: 60 - TOKEN_LIMIT });
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(JSON.parse(refused.body)).toMatchObject({ statusCode: 429, message: expect.stringMatching(/for this API token/) });
    }
  });

  it('admits at most an account\'s rate_limit across the fleet, over several tokens', async () => {
    const answers = await Promise.all(Array.from({ length: 2 * TOKEN_LIMIT }, (_, i) =>
      rename(fleet[i % 3] as Instance, USERS[i % 3] as number, `account-limited-${i}`, bearer(i % 2 ? TOKEN_B : TOKEN_C), ACCOUNTS[1])));
    expect(statuses(answers)).toEqual({ 200: ACCOUNT_LIMIT, 429: 2 * TOKEN_LIMIT - ACCOUNT_LIMIT });
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(JSON.parse(refused.body)).toMatchObject({ message: expect.stringMatching(new RegExp(`integrated account ${ACCOUNTS[1]}`)) });
    }
  });
});
