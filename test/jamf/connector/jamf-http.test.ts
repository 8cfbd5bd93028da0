import { setTimeout as sleep } from 'node:timers/promises';
import { JamfStatusError, JamfTimeoutError, RemoteError } from '../../../src/errors';
import type { JamfAuth } from '../../../src/jamf/connector/types';
import { renderStatusPage, type SimulatorCredentials } from '../../../src/jamf/simulator';
import { ACCOUNT_ID, admin, basicAuth, client, fullNameXml, oauthAuth, rejection, rigPerTest, startRig, type Rig } from './helpers';

describe('Jamf connector: signing in', () => {
  const rig = rigPerTest();

  it.each([
    ['an API client (OAuth client credentials, POST /api/oauth/token)', oauthAuth, 'oauth'],
    ['a user account (POST /api/v1/auth/token with Basic)', basicAuth, 'user'],
  ] as const)('updates a user signed in with %s', async (_label, auth, kind) => {
    const connector = rig.connector({ auth });
    const answer = await connector.updateUser('6', fullNameXml('Twanda Jones'), '');
    expect(answer.user.full_name).toBe('Twanda Jones');
    expect(rig.sim.users.get(6)?.full_name).toBe('Twanda Jones');
    expect(rig.sim.counters.tokenRequests).toBe(1);
    expect(rig.sim.issuedTokens().map((t) => t.kind)).toEqual([kind]);
    expect(rig.sim.counters).toMatchObject({ puts: 1, gets: 1 });
    const put = rig.sim.received[0];
    expect(put?.headers.authorization).toBe(`Bearer ${rig.sim.issuedTokens()[0]?.token}`);
  });

  it.each([
    ['a wrong client secret', { ...oauthAuth, client_secret: 'not-the-Secret-4711' }, 'not-the-Secret-4711', /API client/],
    ['a wrong password', { ...basicAuth, password: 'not-the-Password-4711' }, 'not-the-Password-4711', /user account/],
    ['an unknown client id', { ...oauthAuth, client_id: 'nobody' }, client.client_secret, /API client/],
    ['an unknown user', { ...basicAuth, username: 'nobody' }, admin.password, /user account/],
  ] as const)('refuses %s with a 401 remote error naming the account, never the secret', async (_label, auth, secret, kind) => {
    const connector = rig.connector({ auth });
    const err = await rejection(connector.updateUser('6', fullNameXml('X'), ''));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/rejected the credentials of integrated account 0b8f3f2e-6c1d-4f4e-9a57-1f2d3c4b5a69/);
    expect(err.message).toMatch(kind);
    const everything = JSON.stringify({ message: err.message, raw: err.rawResponse, stack: err.stack });
    expect(everything).not.toContain(secret);
    expect(rig.sim.counters.tokenRequests).toBe(1);
    expect(rig.sim.counters.requests).toBe(0); // nothing sent to /JSSResource without a token
  });
});

describe('Jamf connector: bearer tokens', () => {
  let rig: Rig;
  afterEach(() => rig.close());

  it('keeps one token for all the calls of an account while it is valid', async () => {
    rig = await startRig();
    const connector = rig.connector();
    for (let i = 0; i < 5; i++) await connector.updateUser('6', fullNameXml(`Name ${i}`), '');
    expect(rig.sim.counters).toMatchObject({ tokenRequests: 1, puts: 5, gets: 5 });
  });

  it('keeps a token per account: two accounts on one Jamf ask for a token each', async () => {
    rig = await startRig();
    const a = rig.connector();
    const b = rig.connector({ auth: basicAuth });
    await a.updateUser('6', fullNameXml('A'), '');
    await b.updateUser('6', fullNameXml('B'), '');
    await a.updateUser('6', fullNameXml('C'), '');
    expect(rig.sim.counters.tokenRequests).toBe(2);
  });

  it.each([['an API client', oauthAuth], ['a user account', basicAuth]] as const)(
    'renews the token of %s shortly before it expires, without a call being refused', async (_label, auth) => {
      rig = await startRig({ tokenTtlSeconds: 2 });
      const connector = rig.connector({ auth });
      const before = Date.now(); // the token is asked for just after this
      await connector.updateUser('6', fullNameXml('First'), '');
      await connector.updateUser('6', fullNameXml('Second'), '');
      expect(rig.sim.counters.tokenRequests).toBe(1);
      // Inside the last fifth of the 2 s lifetime (from 1.6 s): due for renewal, not yet expired.
      await sleep(before + 1750 - Date.now());
      await connector.updateUser('6', fullNameXml('Third'), '');
      expect(rig.sim.counters.tokenRequests).toBe(2);
      // No 401 was needed: 3 PUTs and 3 GETs, nothing repeated.
      expect(rig.sim.counters).toMatchObject({ requests: 6, puts: 3, gets: 3 });
    });

  it('lets concurrent callers share one token request', async () => {
    rig = await startRig();
    rig.sim.faults.delayMs = 50; // a slow token endpoint: every caller arrives while it is pending
    const connector = rig.connector();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => connector.updateUser('6', fullNameXml(`N${i}`), '')));
    expect(results).toHaveLength(20);
    expect(rig.sim.counters.tokenRequests).toBe(1);
  });

  it('gets a new token once and tries again once when Jamf answers 401 to a call', async () => {
    rig = await startRig();
    const connector = rig.connector();
    await connector.updateUser('6', fullNameXml('Before'), '');
    rig.sim.resetCounters();
    rig.sim.expireAllTokens();
    const answer = await connector.updateUser('6', fullNameXml('After'), '');
    expect(answer.user.full_name).toBe('After');
    // PUT (401), new token, PUT again, GET.
    expect(rig.sim.counters).toMatchObject({ tokenRequests: 1, puts: 2, gets: 1 });
    const tokens = rig.sim.issuedTokens();
    expect(tokens).toHaveLength(2);
    expect(rig.sim.received.map((r) => r.headers.authorization)).toEqual([`Bearer ${tokens[0]?.token}`, `Bearer ${tokens[1]?.token}`]);
  });

  it('renews only once: a second 401 is passed on as a remote error', async () => {
    rig = await startRig();
    const connector = rig.connector();
    rig.sim.faults.failNext(5, 401, { message: 'The request requires user authentication (INVALID_TOKEN)' });
    const err = await rejection(connector.updateUser('6', fullNameXml('X'), ''));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(401);
    expect(err.message).toBe(`Jamf refused the PUT with 401 (The request requires user authentication (INVALID_TOKEN)) although its token was issued after a 401: either the credentials of integrated account ${ACCOUNT_ID} were rejected, or its Jamf account lacks the privilege to update Users (Jamf "Users" Update privilege).`);
    expect(rig.sim.counters).toMatchObject({ tokenRequests: 2, puts: 2, gets: 0 });
  });
});

describe('Jamf connector: an account without the Users privileges (Jamf answers 401 to valid tokens)', () => {
  let rig: Rig;
  afterEach(() => rig.close());

  const cases: Array<[string, SimulatorCredentials, JamfAuth]> = [
    ['an API client', { clients: [{ ...client, usersPrivileges: false }], users: [admin] }, oauthAuth],
    ['a user account', { clients: [client], users: [{ ...admin, usersPrivileges: false }] }, basicAuth],
  ];
  it.each(cases)('answers a 401 naming both causes, with at most one extra token request however many calls: %s', async (_label, credentials, auth) => {
    rig = await startRig({ credentials });
    const connector = rig.connector({ auth });
    const errors = [];
    for (let i = 0; i < 5; i++) errors.push(await rejection(connector.updateUser('6', fullNameXml(`Seq ${i}`), '')));
    errors.push(...await Promise.all(Array.from({ length: 20 }, (_, i) => rejection(connector.updateUser('6', fullNameXml(`Par ${i}`), '')))));
    for (const err of errors) {
      expect(err).toBeInstanceOf(JamfStatusError);
      expect(err.status).toBe(401);
      expect(err.message).toMatch(/credentials of integrated account 0b8f3f2e-6c1d-4f4e-9a57-1f2d3c4b5a69 were rejected/);
      expect(err.message).toMatch(/lacks the privilege to update Users \(Jamf "Users" Update privilege\)/);
      expect(err.rawResponse).toBe(renderStatusPage(401));
    }
    // The first token, one renewal after the first 401, and nothing more: 1 + 1 token requests.
    expect(rig.sim.counters.tokenRequests).toBe(2);
    // 25 PUTs, one of them repeated with the renewed token; never a GET.
    expect(rig.sim.counters).toMatchObject({ puts: 26, gets: 0 });
    expect(rig.sim.users.get(6)?.full_name).toBe('');
  });
});

describe('Jamf connector: a token endpoint that never answers', () => {
  const rig = rigPerTest();

  it('answers 504 naming the token request, not the PUT, and sends no PUT', async () => {
    rig.sim.faults.delayMs = 60_000; // every answer, the token endpoint's first, hangs past the deadline
    const err = await rejection(rig.connector({ timeout_ms: 300 }).updateUser('6', fullNameXml('X'), ''));
    expect(err).toBeInstanceOf(JamfTimeoutError);
    expect(err.status).toBe(504);
    expect(err.message).toBe(`Jamf did not answer the token request within 300 ms (timeout_ms of integrated account ${ACCOUNT_ID}).`);
    expect(rig.sim.counters).toMatchObject({ tokenRequests: 1, requests: 0 });
  });
});
