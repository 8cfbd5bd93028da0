import { spawnSync } from 'node:child_process';
import { DuplicateNameError } from '../../../src/jamf/simulator/store';
import { startSimulatorThread } from '../../../src/jamf/simulator/thread';
import type { JamfSimulator } from '../../../src/jamf/simulator';
import { getUser, getUserJson, oauthToken, putUser, statusMessage } from './helpers';

describe('a Jamf simulator in its own worker thread', () => {
  let sim: JamfSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startSimulatorThread();
    token = await oauthToken(sim);
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.faults.reset();
    sim.resetCounters();
  });

  it('answers HTTP while the thread that started it is blocked', () => {
    // spawnSync blocks this thread until the child is done: only a simulator on another thread can answer the child.
    const child = spawnSync(process.execPath, ['-e', `fetch(${JSON.stringify(`${sim.url}/JSSResource/users/id/6`)}, { headers: { authorization: 'Bearer ${token}' } }).then((r) => process.stdout.write(String(r.status)))`], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stdout).toBe('200');
  });

  it('reads and changes its users synchronously, copies crossing the threads', async () => {
    sim.users.set({ id: 900, name: 'threaded', full_name: 'Thread Ed' });
    expect(sim.users.get(900)).toEqual({ id: 900, name: 'threaded', full_name: 'Thread Ed' });
    expect(await getUserJson(sim, token, 900)).toMatchObject({ id: 900, name: 'threaded' });
    const res = await putUser(sim, token, 900, '<user><name>renamed</name></user>');
    expect(res.status).toBe(201);
    expect(sim.users.get(900)?.name).toBe('renamed');
    expect(sim.users.list().map((u) => u.id)).toEqual([1, 6, 900, 23423523]);
    expect(sim.users.delete(900)).toBe(true);
    expect(sim.users.delete(900)).toBe(false);
    expect(sim.users.get(900)).toBeUndefined();
  });

  it('throws the errors the in-thread simulator throws, as their classes', () => {
    const duplicate = (() => {
      try {
        sim.users.set({ id: 901, name: 'JDOE' });
      } catch (err) {
        return err;
      }
    })();
    expect(duplicate).toBeInstanceOf(DuplicateNameError);
    expect(duplicate).toMatchObject({ userName: 'JDOE', ownerId: 23423523, message: expect.stringMatching(/already named/) });
    expect(() => sim.users.set({ id: 1.5, name: 'x' })).toThrow(TypeError);
    expect(() => sim.faults.failNext(-1, 503)).toThrow(RangeError);
  });

  it('takes faults set from this thread: fields, queued failures and reset', async () => {
    sim.faults.failNext(1, 503, { message: 'Busy', retryAfter: 7 });
    const failed = await getUser(sim, token, 6);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('7');
    expect(statusMessage(await failed.text())).toBe('Busy');
    expect((await getUser(sim, token, 6)).status).toBe(200);

    sim.faults.largeField = { userId: 6, bytes: 4096 };
    expect(sim.faults.largeField).toEqual({ userId: 6, bytes: 4096 });
    expect((await (await getUser(sim, token, 6)).text()).length).toBeGreaterThanOrEqual(4096);
    sim.faults.delayMs = 5;
    expect(sim.faults.delayMs).toBe(5);
    sim.faults.reset();
    expect(sim.faults.largeField).toBeUndefined();
    expect(sim.faults.delayMs).toBe(0);
  });

  it('keeps live counters and the writes received, and ends tokens on demand', async () => {
    const counters = sim.counters;
    await putUser(sim, token, 6, '<user><position>x</position></user>');
    await getUser(sim, token, 6);
    expect(counters).toMatchObject({ requests: 2, puts: 1, gets: 1, bodiesReceived: 1, inFlight: 0 });
    expect(sim.received).toEqual([expect.objectContaining({ method: 'PUT', path: '/JSSResource/users/id/6', body: '<user><position>x</position></user>' })]);
    sim.resetCounters();
    expect(counters.requests).toBe(0);
    expect(sim.received).toEqual([]);

    expect(sim.issuedTokens().map((t) => t.token)).toContain(token);
    sim.expireAllTokens();
    expect((await getUser(sim, token, 6)).status).toBe(401);
    token = await oauthToken(sim);
  });
});

describe('closing a simulator thread', () => {
  it('stops listening, refuses further calls, and may be called twice', async () => {
    const sim = await startSimulatorThread();
    await Promise.all([sim.close(), sim.close()]);
    await expect(fetch(`${sim.url}/JSSResource/users/id/6`)).rejects.toThrow();
    expect(() => sim.users.list()).toThrow(/stopped/);
  });

  it('reports a simulator that cannot listen', async () => {
    const first = await startSimulatorThread();
    try {
      await expect(startSimulatorThread({ port: Number(new URL(first.url).port) })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
