import { getEventListeners } from 'node:events';
import { until } from '../simulator/helpers';
import { fullNameXml, recordingDispatcher, rigPerTest, type Rig } from './helpers';

const USERS = ['6', '1', '23423523'];
const FIRST_LOAD_ID = 1000;

/** Adds users `FIRST_LOAD_ID`… so that each concurrent update has a user of its own to write and read back. */
function addUsers(rig: Rig, count: number): void {
  for (let i = 0; i < count; i++) rig.sim.users.set({ id: FIRST_LOAD_ID + i, name: `load${i}`, full_name: '', sites: [] });
}

/** `count` updates at once, each of its own user; answers the full names read back. */
function updateMany(rig: Rig, connector: ReturnType<Rig['connector']>, count: number): Promise<string[]> {
  addUsers(rig, count);
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const answer = await connector.updateUser(String(FIRST_LOAD_ID + i), fullNameXml(`Load ${i}`), '');
    return String(answer.user.full_name);
  }));
}

describe('Jamf connector under load', () => {
  const rig = rigPerTest();

  it('runs 200 concurrent updates on one account over one token, at most 5 requests and 5 connections at once', async () => {
    rig.sim.faults.delayMs = 2; // calls overlap, as they do against a real Jamf
    const connector = rig.connector(); // default max_concurrency 5
    const started = Date.now();
    const names = await updateMany(rig, connector, 200);
    const ms = Date.now() - started;
    expect(names).toEqual(Array.from({ length: 200 }, (_, i) => `Load ${i}`));
    const c = rig.sim.counters;
    expect(c.tokenRequests).toBe(1);
    expect(c.puts).toBe(200);
    expect(c.gets).toBe(200);
    expect(c.peakConcurrency).toBeLessThanOrEqual(5);
    expect(c.peakConcurrency).toBeGreaterThanOrEqual(2); // the calls did run side by side
    expect(c.connectionsOpened).toBeLessThanOrEqual(5);
    expect(c.stickyCookieSeen).toBe(200);
    console.info(`200 concurrent updates: ${ms} ms, peakConcurrency ${c.peakConcurrency}, connectionsOpened ${c.connectionsOpened}, tokenRequests ${c.tokenRequests}`);
  }, 30_000);

  it('keeps all 200 updates succeeding when every token expires mid-run, with exactly one more token request', async () => {
    rig.sim.faults.delayMs = 2;
    const connector = rig.connector();
    const run = updateMany(rig, connector, 200);
    await until(() => rig.sim.counters.puts >= 60);
    rig.sim.expireAllTokens();
    const puts = rig.sim.counters.puts;
    const names = await run;
    expect(puts).toBeLessThan(200); // the expiry did land mid-run
    expect(names).toEqual(Array.from({ length: 200 }, (_, i) => `Load ${i}`));
    const c = rig.sim.counters;
    expect(c.tokenRequests).toBe(2);
    expect(c.peakConcurrency).toBeLessThanOrEqual(5);
    // Each call refused with the dead token was tried once more: at most one 401 per slot in flight.
    const refused = c.requests - 400;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(5);
    console.info(`mid-run expiry: tokenRequests ${c.tokenRequests}, calls refused with 401 and retried ${refused}`);
  }, 30_000);

  it('serves 2000 updates over at most 5 keep-alive connections', async () => {
    const connector = rig.connector();
    const started = Date.now();
    // Five callers, each updating one after another: 4000 Jamf calls in all.
    await Promise.all(Array.from({ length: 5 }, async (_, worker) => {
      for (let i = 0; i < 400; i++) await connector.updateUser(USERS[(worker + i) % USERS.length] as string, fullNameXml(`K${worker}-${i}`), '');
    }));
    const ms = Date.now() - started;
    const c = rig.sim.counters;
    expect(c.puts).toBe(2000);
    expect(c.gets).toBe(2000);
    expect(c.tokenRequests).toBe(1);
    expect(c.connectionsOpened).toBeLessThanOrEqual(5);
    console.info(`2000 updates (4001 requests): ${ms} ms, connectionsOpened ${c.connectionsOpened}`);
  }, 30_000);

  it('leaves no abort listener behind on the signals it hands undici, with 200 updates over 5 slow connections', async () => {
    rig.sim.faults.delayMs = 10; // the bench's latency-bound case: many updates queued behind 5 connections
    rig.sim.faults.failRate(0.05, 503, 11); // and some retries on the same signals
    const recorded = recordingDispatcher(rig.sim.url);
    try {
      const connector = rig.connector({}, { dispatcher: recorded.dispatcher });
      const run = updateMany(rig, connector, 200);
      await until(() => rig.sim.counters.puts >= 60);
      rig.sim.expireAllTokens(); // and a token renewal shared by the callers in flight
      await run;
      // Each signal is one call's deadline: when a request went out, the only listener on it was that request's own.
      expect(recorded.peakListeners).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      const left = [...recorded.signals].map((signal) => getEventListeners(signal, 'abort').length);
      expect(left.filter((n) => n > 0)).toEqual([]);
      expect(recorded.signals.size).toBeGreaterThanOrEqual(402); // 2 tokens + a PUT and a GET deadline per update
      expect(connector.load()).toEqual({ running: 0, waiting: 0 });
    } finally {
      await recorded.close();
    }
  }, 30_000);
});
