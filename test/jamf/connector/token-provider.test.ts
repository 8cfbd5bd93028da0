import { JamfCredentialsError, JamfStatusError, RemoteError } from '../../../src/errors';
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
    const provider = new TokenProvider(oauth, async () => oauthAnswer(`t${++calls}`, 100), 'acct', { now: () => now });
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
    expect(provider.refused(first)).toBe(true);
    expect(provider.refused(first)).toBe(true); // a second caller refused with it: the same one renewal
    const second = await provider.token(never);
    expect(provider.refused(first)).toBe(true); // a late 401 for the old token: try the new one, which is kept
    expect(await provider.token(never)).toBe(second);
    expect(calls).toBe(2);
  });

  it('renews at most once per token after a 401: a 401 with the token fetched after a 401 is final', async () => {
    let calls = 0;
    const provider = new TokenProvider(oauth, async () => oauthAnswer(`t${++calls}`), 'acct');
    const first = await provider.token(never);
    expect(provider.refused(first)).toBe(true);
    const second = await provider.token(never);
    for (let i = 0; i < 10; i++) {
      expect(provider.refused(second)).toBe(false);
      expect(await provider.token(never)).toBe(second); // kept: a new one would be refused the same way
    }
    expect(calls).toBe(2);
  });

  it('gives a token renewed on schedule its own one renewal after a 401', async () => {
    let now = 1_000_000;
    let calls = 0;
    const provider = new TokenProvider(oauth, async () => oauthAnswer(`t${++calls}`, 100), 'acct', { now: () => now });
    provider.refused(await provider.token(never));
    const afterRefusal = await provider.token(never);
    expect(provider.refused(afterRefusal)).toBe(false);
    now += 90_000; // due for renewal
    const scheduled = await provider.token(never);
    expect(scheduled).toBe('t3');
    expect(provider.refused(scheduled)).toBe(true);
    expect(await provider.token(never)).toBe('t4');
  });

  it('tells the tokenRequest observer once per request, however many callers wait on it', async () => {
    const outcomes: string[] = [];
    const answers = [oauthAnswer('t1', 100), { statusCode: 401, text: '{"error":"invalid_client"}' }, { statusCode: 500, text: 'down' }];
    let calls = 0;
    let now = 1_000_000;
    const provider = new TokenProvider(oauth, async () => answers[calls++] as { statusCode: number; text: string }, 'acct', {
      now: () => now, events: { tokenRequest: ({ outcome }) => { outcomes.push(outcome); } },
    });
    await Promise.all(Array.from({ length: 5 }, () => provider.token(never)));
    now += 200_000; // expired
    await expect(provider.token(never)).rejects.toBeInstanceOf(JamfCredentialsError);
    await expect(provider.token(never)).rejects.toMatchObject({ status: 500 });
    expect(outcomes).toEqual(['ok', 'rejected', 'remote_error']);
  });

  it('is not failed by an observer that throws', async () => {
    const provider = new TokenProvider(oauth, async () => oauthAnswer('t'), 'acct', { events: { tokenRequest: () => { throw new Error('metrics down'); } } });
    await expect(provider.token(never)).resolves.toBe('t');
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
    const provider = new TokenProvider(oauth, async () => answers[calls++] as { statusCode: number; text: string }, 'acct', { now: () => now });
    expect(await provider.token(never)).toBe('t1');
    now += 90_000; // due for renewal, not expired
    expect(await provider.token(never)).toBe('t1');
    expect(await provider.token(never)).toBe('t3');
    expect(calls).toBe(3);
  });

  it('fails when the renewal fails and the token in hand has expired', async () => {
    let now = 1_000_000;
    let calls = 0;
    const provider = new TokenProvider(oauth, async () => (++calls === 1 ? oauthAnswer('t1', 100) : { statusCode: 503, text: 'busy' }), 'acct', { now: () => now });
    await provider.token(never);
    now += 100_000;
    await expect(provider.token(never)).rejects.toMatchObject({ status: 503 }); // Jamf's status, kept
  });

  it('tries again on the next call after a failed request', async () => {
    let calls = 0;
    const provider = new TokenProvider(oauth, async () => (++calls === 1 ? { statusCode: 500, text: 'down' } : oauthAnswer('ok')), 'acct');
    await expect(provider.token(never)).rejects.toMatchObject({ status: 500 }); // Jamf's status, kept
    await expect(provider.token(never)).resolves.toBe('ok');
  });

  it.each([400, 401, 403])('reports a %i from the token endpoint as rejected credentials (401), the secret blanked', async (status) => {
    const provider = new TokenProvider(oauth, async () => ({ statusCode: status, text: '{"error":"invalid_client","client_secret":"S3cret!"}' }), 'acct-1');
    const err = (await provider.token(never).catch((e: unknown) => e)) as RemoteError;
    expect(err).toBeInstanceOf(JamfCredentialsError);
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

  it('answers Jamf\'s status with its forwardable headers and Retry-After when the token endpoint fails, the secret blanked', async () => {
    const provider = new TokenProvider(oauth, async () => ({
      statusCode: 503, text: '{"httpStatus":503,"echo":"S3cret!"}', headers: { 'retry-after': '7', 'x-request-id': 'r1', 'content-type': 'application/json', 'set-cookie': 'a=b' },
    }), 'acct-1');
    const err = (await provider.token(never).catch((e: unknown) => e)) as JamfStatusError;
    expect(err).toBeInstanceOf(JamfStatusError);
    expect(err).toMatchObject({ status: 503, headers: { 'Retry-After': '7' }, remoteHeaders: { 'retry-after': '7', 'x-request-id': 'r1' } });
    expect(err.message).toBe('Jamf answered 503 to the token request of integrated account acct-1.');
    expect(err.rawResponse).toBe('{"httpStatus":503,"echo":"[redacted]"}');
  });

  it.each(['not json', '{}', '{"access_token":"x"}', '{"token":"x","expires":"never"}', 'null', '[]'])('refuses a token answer without token or expiry: %s', (text) => {
    expect(() => parseToken(text, Date.now(), 'acct')).toThrow(/holds no token or expiry/);
  });
});
