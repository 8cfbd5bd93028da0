import { XMLValidator } from 'fast-xml-parser';
import { startJamfSimulator, type JamfSimulator } from '../../../src/jamf/simulator';
import { getUser, getUserJson, oauthToken, putUser, statusMessage } from './helpers';

describe('Jamf simulator faults', () => {
  let sim: JamfSimulator;
  let token: string;
  beforeEach(async () => {
    sim = await startJamfSimulator();
    token = await oauthToken(sim);
  });
  afterEach(() => sim.close());

  describe('delayMs', () => {
    it('delays /JSSResource calls and token calls', async () => {
      sim.faults.delayMs = 120;
      let start = Date.now();
      expect((await getUser(sim, token, 6)).status).toBe(200);
      expect(Date.now() - start).toBeGreaterThanOrEqual(110);
      start = Date.now();
      await oauthToken(sim);
      expect(Date.now() - start).toBeGreaterThanOrEqual(110);
    });
  });

  describe('failNext', () => {
    it('answers the next calls with the status page and Retry-After, then recovers', async () => {
      sim.faults.failNext(2, 503, { retryAfter: 7 });
      for (let i = 0; i < 2; i++) {
        const res = await getUser(sim, token, 6, { Accept: 'application/json' });
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('7');
        expect(res.headers.get('content-type')).toBe('text/html;charset=UTF-8');
        expect(await res.text()).toContain('>Service Unavailable</p>');
      }
      expect((await getUser(sim, token, 6)).status).toBe(200);
    });

    it('does not carry out a failed PUT', async () => {
      sim.faults.failNext(1, 500, { message: 'Error: database is gone' });
      const res = await putUser(sim, token, 6, '<user><full_name>never</full_name></user>');
      expect(res.status).toBe(500);
      expect(statusMessage(await res.text())).toBe('Error: database is gone');
      expect(sim.users.get(6)?.full_name).toBe('');
    });

    it('queues failures in order', async () => {
      sim.faults.failNext(1, 500);
      sim.faults.failNext(1, 502);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await getUser(sim, token, 6)).status);
      expect(statuses).toEqual([500, 502, 200]);
    });

    it('refuses a status that is not HTTP', () => {
      expect(() => sim.faults.failNext(1, 700)).toThrow(RangeError);
      expect(() => sim.faults.failNext(-1, 500)).toThrow(RangeError);
    });
  });

  describe('failRate', () => {
    async function statuses(target: JamfSimulator, bearer: string, n: number): Promise<number[]> {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await getUser(target, bearer, 6)).status);
      return out;
    }

    it('fails every call at 1 and none at 0', async () => {
      sim.faults.failRate(1, 502);
      expect(await statuses(sim, token, 3)).toEqual([502, 502, 502]);
      sim.faults.failRate(0, 502);
      expect(await statuses(sim, token, 3)).toEqual([200, 200, 200]);
    });

    it('repeats the same failures for the same seed', async () => {
      const other = await startJamfSimulator();
      try {
        sim.faults.failRate(0.5, 503, 42);
        other.faults.failRate(0.5, 503, 42);
        const first = await statuses(sim, token, 20);
        const second = await statuses(other, await oauthToken(other), 20);
        expect(first).toEqual(second);
        expect(first).toContain(503);
        expect(first).toContain(200);
      } finally {
        await other.close();
      }
    });
  });

  describe('resetNext', () => {
    it('destroys the connection without an answer, and does not carry out the call', async () => {
      sim.faults.resetNext(1);
      await expect(putUser(sim, token, 6, '<user><full_name>never</full_name></user>')).rejects.toThrow();
      expect(sim.users.get(6)?.full_name).toBe('');
      expect((await getUser(sim, token, 6)).status).toBe(200);
    });
  });

  describe('garbleNext', () => {
    it('answers a JSON GET with 200 and JSON cut off', async () => {
      sim.faults.garbleNext(1);
      const res = await getUser(sim, token, 6, { Accept: 'application/json' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      const text = await res.text();
      expect(text.startsWith('{"user":{"id":6')).toBe(true);
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
    });

    it('answers an XML GET with 200 and XML cut off', async () => {
      sim.faults.garbleNext(1);
      const res = await getUser(sim, token, 6);
      expect(res.status).toBe(200);
      expect(XMLValidator.validate(await res.text())).not.toBe(true);
      expect(XMLValidator.validate(await (await getUser(sim, token, 6)).text())).toBe(true);
    });

    it('carries out a PUT but garbles its answer', async () => {
      sim.faults.garbleNext(1);
      const res = await putUser(sim, token, 6, '<user><full_name>applied</full_name></user>');
      expect(res.status).toBe(200);
      expect(XMLValidator.validate(await res.text())).not.toBe(true);
      expect(sim.users.get(6)?.full_name).toBe('applied');
    });

    it('turns an error page into a cut-off user document', async () => {
      sim.faults.garbleNext(1);
      const res = await getUser(sim, 'bad-token', 6, { Accept: 'application/json' });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
    });
  });

  describe('hang', () => {
    it('never answers until the caller gives up', async () => {
      sim.faults.hang = true;
      await expect(fetch(`${sim.url}/JSSResource/users/id/6`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(150) }))
        .rejects.toThrow();
      sim.faults.hang = false;
      expect((await getUser(sim, token, 6)).status).toBe(200);
    });

    it('close() ends hung calls and returns promptly', async () => {
      sim.faults.hang = true;
      const outcome = getUser(sim, token, 6).then(() => 'answered', () => 'connection closed');
      while (sim.counters.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
      const start = Date.now();
      await sim.close();
      expect(Date.now() - start).toBeLessThan(1000);
      expect(sim.counters.inFlight).toBe(0);
      expect(await outcome).toBe('connection closed');
    });
  });

  describe('collapseSingleItemLists', () => {
    it('turns one-item lists into the item in JSON, and leaves longer lists and XML alone', async () => {
      sim.faults.collapseSingleItemLists = true;
      const jdoe = await getUserJson(sim, token, 23423523);
      expect(jdoe.sites).toEqual({ id: 1, name: 'Main' });
      expect((await getUserJson(sim, token, 6)).links).toMatchObject({ computers: { id: 7, name: "Twanda's MacBook Air" }, peripherals: [] });
      expect(((await getUserJson(sim, token, 1)).links as { computers: unknown[] }).computers).toHaveLength(3);
      expect(await (await getUser(sim, token, 23423523)).text()).toContain('<sites><site><id>1</id><name>Main</name></site></sites>');
      sim.faults.collapseSingleItemLists = false;
      expect((await getUserJson(sim, token, 23423523)).sites).toEqual([{ id: 1, name: 'Main' }]);
    });
  });

  describe('largeField', () => {
    it.each([
      ['XML', {}],
      ['JSON', { Accept: 'application/json' }],
    ])('streams a %s body of exactly the size asked for, padding one field', async (format, headers) => {
      const bytes = 5_000_000;
      sim.faults.largeField = { userId: 6, bytes };
      const res = await getUser(sim, token, 6, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(bytes));
      const text = await res.text();
      expect(Buffer.byteLength(text)).toBe(bytes);
      if (format === 'JSON') {
        const user = (JSON.parse(text) as { user: { position: string; name: string } }).user;
        expect(user.name).toBe('Twanda9039');
        // No regex over the whole 5 MB: a backtracking `x+` can exhaust V8's regexp stack.
        expect(user.position.length).toBeGreaterThan(bytes - 2000);
        expect(/[^x]/.test(user.position)).toBe(false);
      } else {
        expect(XMLValidator.validate(text)).toBe(true);
        const position = text.slice(text.indexOf('<position>') + '<position>'.length, text.indexOf('</position>'));
        expect(position.length).toBeGreaterThan(bytes - 2000);
        expect(/[^x]/.test(position)).toBe(false);
      }
      expect((await getUser(sim, token, 1)).headers.get('content-length')).not.toBe(String(bytes));
    });

    it('pads the field it is told to', async () => {
      sim.faults.largeField = { userId: 1, bytes: 100_000, field: 'full_name' };
      const user = await getUserJson(sim, token, 1);
      expect((user.full_name as string).length).toBeGreaterThan(99_000);
    });
  });

  describe('staleReadsWithoutCookie', () => {
    it('shows a user as before its last PUT to GETs without the sticky cookie', async () => {
      sim.faults.staleReadsWithoutCookie = true;
      const put = await putUser(sim, token, 6, '<user><full_name>Fresh</full_name></user>');
      const cookie = (put.headers.get('set-cookie') as string).split(';')[0] as string;
      expect((await getUserJson(sim, token, 6)).full_name).toBe('');
      const withCookie = await getUser(sim, token, 6, { Accept: 'application/json', Cookie: cookie });
      expect(((await withCookie.json()) as { user: { full_name: string } }).user.full_name).toBe('Fresh');
      sim.faults.reset();
      expect((await getUserJson(sim, token, 6)).full_name).toBe('Fresh');
    });
  });

  it('reset() clears every fault', async () => {
    Object.assign(sim.faults, { delayMs: 50, hang: false, collapseSingleItemLists: true, staleReadsWithoutCookie: true, largeField: { userId: 6, bytes: 10_000 } });
    sim.faults.failNext(3, 500);
    sim.faults.failRate(1, 503);
    sim.faults.resetNext(2);
    sim.faults.garbleNext(2);
    sim.faults.reset();
    expect(sim.faults).toMatchObject({ delayMs: 0, hang: false, collapseSingleItemLists: false, staleReadsWithoutCookie: false, largeField: undefined });
    for (let i = 0; i < 3; i++) expect((await getUserJson(sim, token, 23423523)).sites).toEqual([{ id: 1, name: 'Main' }]);
  });
});
