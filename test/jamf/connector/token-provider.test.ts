import { RemoteError } from '../../../src/errors';
import { parseToken, TokenProvider, type TokenRequest } from '../../../src/jamf/connector/token-provider';

function oauthAnswer(token: string, expiresIn = 1200): { statusCode: number; text: string } {
  return { statusCode: 200, text: JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: expiresIn }) };
}

const oauth = { type: 'client_credentials', client_id: 'id', client_secret: 'S3cret!' } as const;
const never = new AbortController().signal;

describe('TokenProvider', () => {
  it('shares one request among concurrent callers and caches its token', async () => {
    let calls = 0;
    const request: TokenRequest = async () => { calls++; await new Promise((r) => setTimeout(r, 20)); return oauthAnswer(`t${calls}`); };
    const provider = new TokenProvider(oauth, request, 'acct');
    const tokens = await Promise.all(Array.from({ length: 10 }, () => provider.token(never)));
    expect(new Set(tokens)).toEqual(new Set(['t1']));
    expect(await provider.token(never)).toBe('t1');
    expect(calls).toBe(1);
  });

  it('renews a token in the last fifth of its life (at most one minute before expiry)', async () => {
    let now = 1_000_000;
    let calls = 0;
    const provider = new TokenProvider(oauth, async () => oauthAnswer(`t${++calls}`, 100), 'acct', () => now);
    expect(await provider.token(never)).toBe('t1');
    now += 79_000;
    expect(await provider.token(never)).toBe('t1');
    now += 2_000; // 81 s of 100 s: due
    expect(await provider.token(never)).toBe('t2');
    expect(calls).toBe(2);
    const long = parseToken(JSON.stringify({ token: 'x', expires: new Date(now + 1_800_000).toISOString() }), now, 'acct');
    expect(long.renewAt).toBe(now + 1_800_000 - 60_000);
  });

  it('fetches a new token after the one in use was refused, once for all who saw it refused', async () => {
    let calls = 0;
    const provider = new TokenProvider(oauth, async () => oauthAnswer(`t${++calls}`), 'acct');
    const first = await provider.token(never);
    provider.invalidate(first);
    const second = await provider.token(never);
    provider.invalidate(first); // a late 401 for the old token does not throw the new one away
    expect(await provider.token(never)).toBe(second);
    expect(calls).toBe(2);
  });

  it('lets a caller give up waiting without failing the others waiting on the same request', async () => {
    let release!: () => void;
    let calls = 0;
    const request: TokenRequest = () => { calls++; return new Promise((resolve) => { release = () => resolve(oauthAnswer('shared')); }); };
    const provider = new TokenProvider(oauth, request, 'acct');
    const impatient = new AbortController();
    const a = provider.token(impatient.signal);
    const b = provider.token(never);
    impatient.abort(new Error('deadline of a'));
    await expect(a).rejects.toThrow('deadline of a');
    release();
    await expect(b).resolves.toBe('shared');
    expect(calls).toBe(1);
  });

  it('keeps using a token still valid when its renewal fails, and renews on a later call', async () => {
    let now = 1_000_000;
    let calls = 0;
    const answers = [oauthAnswer('t1', 100), { statusCode: 503, text: 'busy' }, oauthAnswer('t3', 100)];
    const provider = new TokenProvider(oauth, async () => answers[calls++] as { statusCode: number; text: string }, 'acct', () => now);
    expect(await provider.token(never)).toBe('t1');
    now += 90_000; // due for renewal, not expired
    expect(await provider.token(never)).toBe('t1');
    expect(await provider.token(never)).toBe('t3');
    expect(calls).toBe(3);
  });

  it('fails when the renewal fails and the token in hand has expired', async () => {
    let now = 1_000_000;
    let calls = 0;
    const provider = new TokenProvider(oauth, async () => (++calls === 1 ? oauthAnswer('t1', 100) : { statusCode: 503, text: 'busy' }), 'acct', () => now);
    await provider.token(never);
    now += 100_000;
    await expect(provider.token(never)).rejects.toMatchObject({ status: 502 });
  });

  it('tries again on the next call after a failed request', async () => {
    let calls = 0;
    const provider = new TokenProvider(oauth, async () => (++calls === 1 ? { statusCode: 500, text: 'down' } : oauthAnswer('ok')), 'acct');
    await expect(provider.token(never)).rejects.toMatchObject({ status: 502 });
    await expect(provider.token(never)).resolves.toBe('ok');
  });

  it.each([400, 401, 403])('reports a %i from the token endpoint as rejected credentials (401), the secret blanked', async (status) => {
    const provider = new TokenProvider(oauth, async () => ({ statusCode: status, text: '{"error":"invalid_client","client_secret":"S3cret!"}' }), 'acct-1');
    const err = (await provider.token(never).catch((e: unknown) => e)) as RemoteError;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(401);
    expect(err.message).toBe('Jamf rejected the credentials of integrated account acct-1 (API client); check them in the accounts file.');
    expect(JSON.stringify(err.rawResponse)).not.toContain('S3cret!');
  });

  it('sends the secret only in the form (client credentials) or the Basic header (user account)', async () => {
    const seen: Array<Parameters<TokenRequest>[0]> = [];
    const request: TokenRequest = async (options) => { seen.push(options); return oauthAnswer('t'); };
    await new TokenProvider(oauth, request, 'a').token(never);
    await new TokenProvider({ type: 'basic', username: 'admin', password: 'p:w' }, async (options) => { seen.push(options); return { statusCode: 200, text: JSON.stringify({ token: 'u', expires: new Date(Date.now() + 60_000).toISOString() }) }; }, 'b').token(never);
    expect(seen[0]).toEqual({
      path: '/api/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'grant_type=client_credentials&client_id=id&client_secret=S3cret%21',
    });
    expect(seen[1]).toEqual({ path: '/api/v1/auth/token', headers: { authorization: `Basic ${Buffer.from('admin:p:w').toString('base64')}`, accept: 'application/json' } });
  });

  it.each(['not json', '{}', '{"access_token":"x"}', '{"token":"x","expires":"never"}', 'null', '[]'])('refuses a token answer without token or expiry: %s', (text) => {
    expect(() => parseToken(text, Date.now(), 'acct')).toThrow(/holds no token or expiry/);
  });
});
