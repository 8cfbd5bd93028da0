import { startJamfSimulator, type JamfSimulator } from '../../../src/jamf/simulator';
import { adminUser, basic, getUser, oauthToken, statusMessage, until } from './helpers';

describe('Jamf simulator server: delayed requests', () => {
  let sim: JamfSimulator;
  beforeEach(async () => {
    sim = await startJamfSimulator();
  });
  afterEach(() => sim.close());

  it('answers 30 requests delayed at once, each after its delay', async () => {
    const token = await oauthToken(sim);
    sim.faults.delayMs = 200;
    const calls = Array.from({ length: 30 }, () => getUser(sim, token, 6, {}).then((res) => res.status));
    await until(() => sim.counters.inFlight === 30);
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 30 }, () => 200));
    expect(sim.counters.peakConcurrency).toBe(30);
  });

  it('ends requests still waiting out delayMs when it closes', async () => {
    sim.faults.delayMs = 60_000;
    const request = fetch(`${sim.url}/JSSResource/users/id/6`).then(() => 'answered', () => 'cut off');
    await until(() => sim.counters.inFlight === 1);
    await sim.close();
    expect(await request).toBe('cut off');
    expect(sim.counters.inFlight).toBe(0);
  });
});

describe('Jamf simulator server: an account without the Users privileges', () => {
  let sim: JamfSimulator;
  beforeEach(async () => {
    sim = await startJamfSimulator({
      credentials: { clients: [{ client_id: 'ro', client_secret: 's', usersPrivileges: false }, { client_id: 'rw', client_secret: 's' }], users: [{ ...adminUser, usersPrivileges: false }] },
    });
  });
  afterEach(() => sim.close());

  it('issues valid tokens that /JSSResource/users answers with 401, as Jamf does', async () => {
    const unprivileged = await getUser(sim, await oauthToken(sim, 'ro', 's'), 6);
    expect(unprivileged.status).toBe(401);
    expect(statusMessage(await unprivileged.text())).toBe('The request requires user authentication');
    expect((await getUser(sim, await oauthToken(sim, 'rw', 's'), 6)).status).toBe(200);
    const userToken = await fetch(`${sim.url}/api/v1/auth/token`, { method: 'POST', headers: { Authorization: basic(adminUser.username, adminUser.password) } });
    expect(userToken.status).toBe(200);
    const { token } = (await userToken.json()) as { token: string };
    expect((await getUser(sim, token, 6)).status).toBe(401);
    // Its token is valid all the same: keep-alive swaps it for another without the privileges.
    const kept = await fetch(`${sim.url}/api/v1/auth/keep-alive`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(kept.status).toBe(200);
    expect((await getUser(sim, ((await kept.json()) as { token: string }).token, 6)).status).toBe(401);
  });

  it('gives a token the privileges of the account that signed in, not of another with the same name', async () => {
    const twins = await startJamfSimulator({
      credentials: { clients: [{ client_id: 'app', client_secret: 'old', usersPrivileges: false }, { client_id: 'app', client_secret: 'new' }], users: [] },
    });
    try {
      expect((await getUser(twins, await oauthToken(twins, 'app', 'new'), 6)).status).toBe(200);
      expect((await getUser(twins, await oauthToken(twins, 'app', 'old'), 6)).status).toBe(401);
    } finally {
      await twins.close();
    }
  });
});
