import { Agent, request } from 'node:http';
import { RECEIVED_LIMIT, startJamfSimulator, type JamfSimulator } from '../../../src/jamf/simulator';
import { adminUser, basic, getUser, oauthToken, putUser } from './helpers';

/** One GET over node:http with the given agent, so connection reuse is under the test's control. */
function getWith(agent: Agent, sim: JamfSimulator, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${sim.url}/JSSResource/users/id/6`, { agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Jamf simulator counters', () => {
  let sim: JamfSimulator;
  let token: string;
  beforeEach(async () => {
    sim = await startJamfSimulator();
    token = await oauthToken(sim);
    sim.resetCounters();
  });
  afterEach(() => sim.close());

  it('counts requests, GETs and PUTs on /JSSResource', async () => {
    await getUser(sim, token, 6);
    await getUser(sim, token, 999);
    await putUser(sim, token, 6, '<user><position>x</position></user>');
    await fetch(`${sim.url}/JSSResource/users/id/6`);
    expect(sim.counters).toMatchObject({ requests: 4, gets: 3, puts: 1, bodiesReceived: 1, inFlight: 0, tokenRequests: 0 });
  });

  it('counts token requests of both flows and keep-alive', async () => {
    const token2 = await oauthToken(sim);
    await fetch(`${sim.url}/api/v1/auth/token`, { method: 'POST', headers: { Authorization: basic(adminUser.username, adminUser.password) } });
    await fetch(`${sim.url}/api/v1/auth/keep-alive`, { method: 'POST', headers: { Authorization: `Bearer ${token2}` } });
    expect(sim.counters.tokenRequests).toBe(3);
    expect(sim.counters.requests).toBe(0);
  });

  it('peakConcurrency is the most /JSSResource calls in flight at once', async () => {
    sim.faults.delayMs = 100;
    await Promise.all(Array.from({ length: 5 }, () => getUser(sim, token, 6)));
    expect(sim.counters.peakConcurrency).toBe(5);
    expect(sim.counters.inFlight).toBe(0);
    await getUser(sim, token, 6);
    expect(sim.counters.peakConcurrency).toBe(5);
  });

  it('connectionsOpened counts TCP connections, not requests on a kept-alive one', async () => {
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const oneShot = new Agent({ keepAlive: false });
    try {
      for (let i = 0; i < 3; i++) expect(await getWith(keepAlive, sim, token)).toBe(200);
      expect(sim.counters.connectionsOpened).toBe(1);
      for (let i = 0; i < 2; i++) expect(await getWith(oneShot, sim, token)).toBe(200);
      expect(sim.counters.connectionsOpened).toBe(3);
      expect(sim.counters.requests).toBe(5);
    } finally {
      keepAlive.destroy();
      oneShot.destroy();
    }
  });

  it('keeps received PUTs with their raw query string, body and headers', async () => {
    const body = '<user><full_name>Q</full_name></user>';
    await fetch(`${sim.url}/JSSResource/users/id/6?x%5By%5D=z&plain=1`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/xml' },
      body,
    });
    await getUser(sim, token, 6);
    expect(sim.received).toHaveLength(1);
    expect(sim.received[0]).toMatchObject({ method: 'PUT', path: '/JSSResource/users/id/6', query: 'x%5By%5D=z&plain=1', body });
    expect(sim.received[0]?.headers['content-type']).toBe('application/xml');
    expect(Object.fromEntries(new URLSearchParams(sim.received[0]?.query))).toEqual({ 'x[y]': 'z', plain: '1' });
  });

  it(`keeps only the last ${RECEIVED_LIMIT} received PUTs`, async () => {
    for (let i = 0; i < RECEIVED_LIMIT + 5; i++) await putUser(sim, token, 6, `<user><position>${i}</position></user>`);
    expect(sim.counters.bodiesReceived).toBe(RECEIVED_LIMIT + 5);
    expect(sim.received).toHaveLength(RECEIVED_LIMIT);
    expect(sim.received[0]?.body).toBe('<user><position>5</position></user>');
  });

  it('stickyCookieSeen counts calls that bring back the jpro-ingress cookie this simulator set', async () => {
    const put = await putUser(sim, token, 6, '<user><position>x</position></user>');
    const cookie = (put.headers.get('set-cookie') as string).split(';')[0] as string;
    expect(cookie).toBe(sim.stickyCookie);
    await getUser(sim, token, 6, { Cookie: cookie });
    await getUser(sim, token, 6, { Cookie: `other=1; ${cookie}; more=2` });
    await getUser(sim, token, 6, { Cookie: 'jpro-ingress=someone-else' });
    await getUser(sim, token, 6);
    expect(sim.counters.stickyCookieSeen).toBe(2);
  });

  it('resetCounters() zeroes the counters and empties received', async () => {
    await putUser(sim, token, 6, '<user><position>x</position></user>');
    await oauthToken(sim);
    sim.resetCounters();
    expect(sim.counters).toEqual({
      tokenRequests: 0, requests: 0, puts: 0, gets: 0, inFlight: 0, peakConcurrency: 0, connectionsOpened: 0, bodiesReceived: 0, stickyCookieSeen: 0,
    });
    expect(sim.received).toEqual([]);
  });
});
