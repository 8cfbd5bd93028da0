import { setTimeout as sleep } from 'node:timers/promises';
import { startJamfSimulator, type JamfSimulator } from '../../../src/jamf/simulator';
import { adminUser, basic, getUser, oauthToken, statusMessage } from './helpers';

function postForm(sim: JamfSimulator, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.url}/api/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
}

function post(sim: JamfSimulator, path: string, authorization?: string): Promise<Response> {
  return fetch(`${sim.url}${path}`, { method: 'POST', headers: authorization === undefined ? {} : { Authorization: authorization } });
}

describe('Jamf simulator authentication', () => {
  let sim: JamfSimulator;
  beforeAll(async () => {
    sim = await startJamfSimulator({
      credentials: { clients: [{ client_id: 'cid', client_secret: 'csecret' }], users: [{ username: 'api', password: 'p@ss:word' }] },
    });
  });
  afterAll(() => sim.close());

  describe('OAuth client credentials (POST /api/oauth/token)', () => {
    it('issues a bearer token in Jamf\'s shape with a 1200 s lifetime by default', async () => {
      const res = await postForm(sim, { grant_type: 'client_credentials', client_id: 'cid', client_secret: 'csecret' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['access_token', 'scope', 'token_type', 'expires_in']);
      expect(body).toMatchObject({ scope: 'api-role:1', token_type: 'Bearer', expires_in: 1200 });
      expect(body.access_token).toEqual(expect.stringMatching(/^\S{20,}$/));
    });

    it('issues a different token each time', async () => {
      expect(await oauthToken(sim, 'cid', 'csecret')).not.toBe(await oauthToken(sim, 'cid', 'csecret'));
    });

    it('accepts the client in an HTTP Basic header too', async () => {
      const res = await postForm(sim, { grant_type: 'client_credentials' }, { Authorization: basic('cid', 'csecret') });
      expect(res.status).toBe(200);
    });

    it.each([
      ['a wrong secret', { grant_type: 'client_credentials', client_id: 'cid', client_secret: 'nope' }],
      ['an unknown client', { grant_type: 'client_credentials', client_id: 'other', client_secret: 'csecret' }],
      ['no client at all', { grant_type: 'client_credentials' }],
    ])('refuses %s with 401 invalid_client', async (_case, form) => {
      const res = await postForm(sim, form);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_client' });
    });

    it('refuses another grant type with 400 unsupported_grant_type', async () => {
      const res = await postForm(sim, { grant_type: 'password', client_id: 'cid', client_secret: 'csecret' });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'unsupported_grant_type' });
    });

    it('refuses a body that is not form-encoded with 400 invalid_request', async () => {
      const res = await fetch(`${sim.url}/api/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'cid', client_secret: 'csecret' }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'invalid_request' });
    });
  });

  describe('user account tokens (/api/v1/auth/…)', () => {
    it('issues {token, expires} for Basic credentials, expiring in 30 minutes by default', async () => {
      const before = Date.now();
      const res = await post(sim, '/api/v1/auth/token', basic('api', 'p@ss:word'));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { token: string; expires: string };
      expect(Object.keys(body)).toEqual(['token', 'expires']);
      expect(body.expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const lifetime = Date.parse(body.expires) - before;
      expect(lifetime).toBeGreaterThan(1799_000);
      expect(lifetime).toBeLessThan(1801_000);
      expect((await getUser(sim, body.token, 6)).status).toBe(200);
    });

    it.each([
      ['a wrong password', basic('api', 'wrong')],
      ['an unknown user', basic('nobody', 'p@ss:word')],
      ['no Basic header', undefined],
    ])('refuses %s with 401', async (_case, authorization) => {
      const res = await post(sim, '/api/v1/auth/token', authorization);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ httpStatus: 401, errors: [] });
    });

    it('keep-alive swaps a valid token for a new one and the old one stops working', async () => {
      const old = await oauthToken(sim, 'cid', 'csecret');
      const res = await post(sim, '/api/v1/auth/keep-alive', `Bearer ${old}`);
      expect(res.status).toBe(200);
      const { token } = (await res.json()) as { token: string; expires: string };
      expect(token).not.toBe(old);
      expect((await getUser(sim, token, 6)).status).toBe(200);
      expect((await getUser(sim, old, 6)).status).toBe(401);
    });

    it('keep-alive refuses an invalid token with 401 INVALID_TOKEN', async () => {
      const res = await post(sim, '/api/v1/auth/keep-alive', 'Bearer not-a-token');
      expect(res.status).toBe(401);
      expect(JSON.stringify(await res.json())).toContain('INVALID_TOKEN');
    });

    it('invalidate-token ends a token with 204', async () => {
      const token = await oauthToken(sim, 'cid', 'csecret');
      const res = await post(sim, '/api/v1/auth/invalidate-token', `Bearer ${token}`);
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      expect((await getUser(sim, token, 6)).status).toBe(401);
      expect((await post(sim, '/api/v1/auth/invalidate-token', `Bearer ${token}`)).status).toBe(401);
    });
  });

  describe('bearer tokens on /JSSResource', () => {
    it('answers 401 with the status page when no token is sent', async () => {
      const res = await fetch(`${sim.url}/JSSResource/users/id/6`);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('text/html;charset=UTF-8');
      const html = await res.text();
      expect(html).toContain('>Unauthorized</p>');
      expect(statusMessage(html)).toBe('The request requires user authentication');
    });

    it('answers 401 to Basic auth, which Jamf no longer takes on the Classic API', async () => {
      const res = await fetch(`${sim.url}/JSSResource/users/id/6`, { headers: { Authorization: basic('api', 'p@ss:word') } });
      expect(res.status).toBe(401);
    });

    it('answers 401 INVALID_TOKEN to an unknown token', async () => {
      const res = await getUser(sim, 'made-up-token', 6, { Accept: 'application/json' });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('text/html;charset=UTF-8');
      const html = await res.text();
      expect(statusMessage(html)).toContain('The request requires user authentication');
      expect(html).toContain('INVALID_TOKEN');
    });

    it('expireAllTokens() invalidates every token issued so far, not later ones', async () => {
      const token = await oauthToken(sim, 'cid', 'csecret');
      sim.expireAllTokens();
      const res = await getUser(sim, token, 6);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('INVALID_TOKEN');
      expect((await getUser(sim, await oauthToken(sim, 'cid', 'csecret'), 6)).status).toBe(200);
    });
  });
});

describe('Jamf simulator token expiry', () => {
  it('tokens of both flows stop working after tokenTtlSeconds', async () => {
    const sim = await startJamfSimulator({ tokenTtlSeconds: 0.3 });
    try {
      const oauth = await fetch(`${sim.url}/api/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret',
      });
      const { access_token, expires_in } = (await oauth.json()) as { access_token: string; expires_in: number };
      expect(expires_in).toBe(0.3);
      const user = (await (await post(sim, '/api/v1/auth/token', basic(adminUser.username, adminUser.password))).json()) as { token: string };
      expect((await getUser(sim, access_token, 6)).status).toBe(200);
      expect((await getUser(sim, user.token, 6)).status).toBe(200);
      await sleep(350);
      for (const token of [access_token, user.token]) {
        const res = await getUser(sim, token, 6);
        expect(res.status).toBe(401);
        expect(await res.text()).toContain('INVALID_TOKEN');
      }
    } finally {
      await sim.close();
    }
  });
});
