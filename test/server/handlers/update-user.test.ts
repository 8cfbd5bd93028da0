import { ACCOUNT_ID, API_TOKEN, startStack, type Stack } from '../../helpers/stack';
import { getUser, oauthToken } from '../../jamf/simulator/helpers';

/** The Update Users endpoint end to end: generated client → validated server → connector → Jamf simulator. */
describe('PATCH /unified/mdm/users/{id}', () => {
  let stack: Stack;
  const TIMEOUT_ACCOUNT = '0d6c7e4a-9a51-4b5e-8f0a-5f0c1c9e1a01';
  const BAD_SECRET_ACCOUNT = '7b0a3a55-2a52-4a4d-9a0b-2f7f5b7f0c02';
  const BASIC_ACCOUNT = '3c1e0f4e-0f7e-4b55-a7d4-6f3b1d9c0e03';
  beforeAll(async () => {
    stack = await startStack([
      { id: TIMEOUT_ACCOUNT, context: (url) => ({ instance_url: url, auth: { type: 'client_credentials', client_id: 'sim-client', client_secret: 'sim-secret' }, timeout_ms: 300 }) },
      { id: BAD_SECRET_ACCOUNT, context: (url) => ({ instance_url: url, auth: { type: 'client_credentials', client_id: 'sim-client', client_secret: 'wrong-secret' } }) },
      { id: BASIC_ACCOUNT, context: (url) => ({ instance_url: url, auth: { type: 'basic', username: 'sim-admin', password: 'sim-password' } }) },
    ]);
  });
  afterAll(() => stack.close());
  afterEach(() => stack.simulator.faults.reset());

  const path = (id = '23423523') => ({ id });
  const query = { integrated_account_id: ACCOUNT_ID };
  const lastPut = () => [...stack.simulator.received].reverse().find((r) => r.method === 'PUT');

  /** Jamf's own XML of a user, straight from the simulator. */
  async function jamfXml(id: number): Promise<{ type: string | null; bytes: Buffer }> {
    const res = await getUser(stack.simulator, await oauthToken(stack.simulator), id, { accept: 'application/xml' });
    return { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  }

  it('answers the reference example with the user read back from Jamf, carrying the new name', async () => {
    const { data, error, response } = await stack.client.PATCH('/unified/mdm/users/{id}', {
      params: { path: path(), query: { ...query, truto_response_format: 'unified', truto_exclude_fields: ['id', 'name'], remote_query: { foo: 'bar' } } },
      body: { name: 'jdoe-renamed', emails: [{ email: 'john.doe@example.com', type: 'work', is_primary: true }] },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(data).not.toHaveProperty('id');
    expect(data).not.toHaveProperty('name');
    const stored = stack.simulator.users.get(23423523);
    expect(stored?.name).toBe('jdoe-renamed');
    expect(data).toEqual({ first_name: 'John', last_name: 'Doe', emails: [{ email: 'john.doe@example.com', is_primary: true }], organization: { id: '1', name: 'Main' }, remote_data: stored });
    expect(lastPut()?.query).toBe('foo=bar');
  });

  it('answers unified by default with id and name', async () => {
    const { data } = await stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: path('6'), query }, body: { name: 'Twanda9039' } });
    expect(data).toMatchObject({ id: '6', name: 'Twanda9039', emails: [{ email: 'twanda@jamf.com', is_primary: true }] });
    expect(data).not.toHaveProperty('first_name');
  });

  it('answers normalized with every field, null where Jamf has none', async () => {
    const { data } = await stack.client.PATCH('/unified/mdm/users/{id}', {
      params: { path: path('6'), query: { ...query, truto_response_format: 'normalized', truto_ignore_remote_data: true } }, body: { name: 'Twanda9039' },
    });
    expect(data).toEqual({
      id: '6', name: 'Twanda9039', first_name: null, last_name: null, emails: [{ email: 'twanda@jamf.com', type: null, is_primary: true }],
      organization: null, is_active: null, avatar: null, created_at: null, updated_at: null,
    });
  });

  it('answers raw with Jamf JSON, unmapped, under its own media type', async () => {
    const { data, response } = await stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: path('1'), query: { ...query, truto_response_format: 'raw' } }, body: { name: 'user28' } });
    expect(response.headers.get('content-type')).toMatch(/^application\/vnd\.mdm-users\.raw\+json/);
    expect(data).toEqual({ user: stack.simulator.users.get(1) });
  });

  it('streams Jamf XML byte for byte with Jamf content type', async () => {
    const { data, response } = await stack.client.PATCH('/unified/mdm/users/{id}', {
      params: { path: path('6'), query: { ...query, truto_response_format: 'stream' } }, body: { name: 'Twanda9039' }, parseAs: 'arrayBuffer',
    });
    const direct = await jamfXml(6);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(direct.type);
    expect(Buffer.from(data as ArrayBuffer).equals(direct.bytes)).toBe(true);
    expect(direct.bytes.toString('utf8')).toMatch(/^<\?xml[^>]*\?>\s*<user>/);
  });

  it('works with a Jamf user account (basic auth exchanged for a token)', async () => {
    const { response } = await stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: path('6'), query: { integrated_account_id: BASIC_ACCOUNT } }, body: { name: 'Twanda9039' } });
    expect(response.status).toBe(200);
  });

  describe('writing to Jamf', () => {
    it('renames the user when name changes, and answers 409 from Jamf on a duplicate name', async () => {
      const renamed = await stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: path('6'), query }, body: { name: 'twanda.renamed' } });
      expect(renamed.data).toMatchObject({ id: '6', name: 'twanda.renamed' });
      const { error, response } = await stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: path('6'), query }, body: { name: 'user28' } });
      expect(response.status).toBe(409);
      expect(error).toMatchObject({ statusCode: 409, error: 'Conflict', message: 'Error: Duplicate name', truto_is_remote_error: true });
      expect(String(error?.raw_response)).toMatch(/<title>Status page<\/title>/);
      expect(stack.simulator.users.get(6)?.name).toBe('twanda.renamed');
      await stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: path('6'), query }, body: { name: 'Twanda9039' } });
    });

    it('writes the primary email to email and email_address', async () => {
      await stack.client.PATCH('/unified/mdm/users/{id}', {
        params: { path: path('1'), query }, body: { name: 'user28', emails: [{ email: 'other@x.com', is_primary: false }, { email: 'primary@x.com', type: 'work', is_primary: true }] },
      });
      expect(stack.simulator.users.get(1)).toMatchObject({ email: 'primary@x.com', email_address: 'primary@x.com' });
      expect(lastPut()?.body).toBe('<user><name>user28</name><email>primary@x.com</email><email_address>primary@x.com</email_address></user>');
    });

    it('clears the address for emails: [] and leaves it alone when emails is absent', async () => {
      await stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: path('1'), query }, body: { name: 'user28', emails: [] } });
      expect(stack.simulator.users.get(1)).toMatchObject({ email: '', email_address: '' });
      await stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: path('1'), query }, body: { name: 'user28', emails: [{ email: 'User28@email.com' }] } });
      await stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: path('1'), query }, body: { name: 'user28' } });
      expect(stack.simulator.users.get(1)).toMatchObject({ email: 'User28@email.com', email_address: 'User28@email.com' });
    });

    it('refuses several emails without exactly one primary, writing nothing', async () => {
      const before = stack.simulator.counters.puts;
      const { error, response } = await stack.client.PATCH('/unified/mdm/users/{id}', {
        params: { path: path('1'), query }, body: { name: 'user28', emails: [{ email: 'a@x.com' }, { email: 'b@x.com' }] },
      });
      expect(response.status).toBe(400);
      expect(error?.message).toMatch(/Mark exactly one email with "is_primary": true/);
      expect(stack.simulator.counters.puts).toBe(before);
    });

    it('merges remote_data into the user, lists as singular children', async () => {
      const { data } = await stack.client.PATCH('/unified/mdm/users/{id}', {
        params: { path: path('1'), query },
        body: { name: 'user28', remote_data: { full_name: 'Ada Lovelace', position: 'Engineer', sites: [{ id: 7, name: 'Lab' }], extension_attributes: [{ id: 1, name: 'vip', type: 'String', value: 'yes' }] } },
      });
      expect(lastPut()?.body).toContain('<sites><site><id>7</id><name>Lab</name></site></sites>');
      expect(lastPut()?.body).toContain('<extension_attributes><extension_attribute><id>1</id>');
      expect(data).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', organization: { id: '7', name: 'Lab' } });
      expect(stack.simulator.users.get(1)).toMatchObject({ full_name: 'Ada Lovelace', position: 'Engineer', sites: [{ id: 7, name: 'Lab' }] });
    });

    it('refuses a remote_data.id naming another user than the path, writing nothing; the same id passes', async () => {
      const before = stack.simulator.counters.puts;
      const { error, response } = await stack.client.PATCH('/unified/mdm/users/{id}', {
        params: { path: path('1'), query }, body: { name: 'user28', remote_data: { id: 6 } },
      });
      expect(response.status).toBe(400);
      expect(error?.message).toMatch(/remote_data\/id.*is not the user being updated \(id 1 in the path\)/);
      expect(stack.simulator.counters.puts).toBe(before);
      const same = await stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: path('1'), query }, body: { name: 'user28', remote_data: { id: 1 } } });
      expect(same.response.status).toBe(200);
      expect(lastPut()?.body).not.toContain('<id>');
    });

    it('stores exactly what was sent, whatever XML special characters it holds', async () => {
      const tricky = `<b>&amp; "quoted" 'single' ]]> <![CDATA[x]]> ünïcødé 🎉`;
      const { data } = await stack.client.PATCH('/unified/mdm/users/{id}', {
        params: { path: path('1'), query }, body: { name: `user28${tricky}`, remote_data: { full_name: tricky, position: '</position><admin>true</admin>' } },
      });
      const stored = stack.simulator.users.get(1);
      expect(stored).toMatchObject({ name: `user28${tricky}`, full_name: tricky, position: '</position><admin>true</admin>' });
      expect(stored).not.toHaveProperty('admin');
      expect(data).toMatchObject({ name: `user28${tricky}` });
      await stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: path('1'), query }, body: { name: 'user28' } });
    });

    it('passes nested remote_query to Jamf in bracket form', async () => {
      await stack.client.PATCH('/unified/mdm/users/{id}', {
        params: { path: path('1'), query: { ...query, remote_query: { foo: 'bar', a: { b: 'c d&e' } } } }, body: { name: 'user28' },
      });
      expect(lastPut()?.query).toBe('foo=bar&a[b]=c%20d%26e');
    });

    const send = (q: string) => fetch(`${stack.url}/unified/mdm/users/1?integrated_account_id=${ACCOUNT_ID}&${q}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: '{"name":"user28"}',
    });

    it('passes remote_query in Truto\'s SDK shape (brackets percent-encoded) to Jamf, in order', async () => {
      const res = await send('remote_query%5Bfoo%5D=bar&remote_query%5Ba%5D%5Bb%5D=c&remote_query%5Bl%5D%5B%5D=1&remote_query%5Bl%5D%5B%5D=2');
      expect(res.status).toBe(200);
      expect(lastPut()?.query).toBe('foo=bar&a[b]=c&l[]=1&l[]=2');
    });

    it('sends Jamf the remote_query values validation read, percent-encoded anew, never the raw text again', async () => {
      // '%' not followed by two hex digits, and '+': the server reads '100%' and 'a b'; Jamf must get those values.
      const res = await send('remote_query[q]=100%&remote_query[r]=a+b');
      expect(res.status).toBe(200);
      expect(lastPut()?.query).toBe('q=100%25&r=a%20b');
    });
  });

  describe('errors, each in the envelope and valid against the spec', () => {
    const raw = (url: string, init: RequestInit & { token?: string | null } = {}) => fetch(url, {
      method: 'PATCH',
      ...init,
      headers: { 'content-type': 'application/json', ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? API_TOKEN}` }), ...(init.headers as Record<string, string> | undefined) },
    });
    const endpoint = (q = `integrated_account_id=${ACCOUNT_ID}`, id = '1') => `${stack.url}/unified/mdm/users/${id}?${q}`;

    it.each([
      { name: 'malformed JSON', url: () => endpoint(), body: '{"name":', status: 400, message: /not valid JSON/ },
      { name: 'a field of the wrong type', url: () => endpoint(), body: '{"name":["x"]}', status: 400, message: /name/ },
      { name: 'a missing name', url: () => endpoint(), body: '{}', status: 400, message: /required property 'name'/ },
      { name: 'a bad uuid', url: () => endpoint('integrated_account_id=123'), body: '{"name":"x"}', status: 400, message: /uuid/ },
      { name: 'an unknown query parameter', url: () => endpoint(`integrated_account_id=${ACCOUNT_ID}&truto_foo=1`), body: '{"name":"x"}', status: 400, message: /Unknown query parameter 'truto_foo'/ },
      { name: 'an unknown truto_response_format', url: () => endpoint(`integrated_account_id=${ACCOUNT_ID}&truto_response_format=xml`), body: '{"name":"x"}', status: 400, message: /truto_response_format/ },
      { name: 'an integrated_account_id this server does not know', url: () => endpoint('integrated_account_id=11111111-2222-4333-8444-555555555555'), body: '{"name":"x"}', status: 404, message: /No integrated account/ },
      { name: 'a body over the size limit', url: () => endpoint(), body: JSON.stringify({ name: 'x', remote_data: { position: 'x'.repeat(1_100_000) } }), status: 413, message: /larger/ },
      { name: 'a body that is not JSON', url: () => endpoint(), body: 'name=x', status: 415, message: /application\/json/, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    ])('answers $status for $name', async ({ url, body, status, message, headers }) => {
      const res = await raw(url(), { body, ...(headers ? { headers } : {}) });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const envelope = (await res.json()) as Record<string, unknown>;
      expect(envelope).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.stringMatching(message) });
      expect(envelope).not.toHaveProperty('truto_is_remote_error');
    });

    it.each([
      { name: 'no API token', token: null },
      { name: 'a wrong API token', token: 'wrong' },
    ])('answers 401 for $name', async ({ token }) => {
      const res = await raw(endpoint(), { body: '{"name":"x"}', token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    const remote = (q: string, id = '1') => stack.client.PATCH('/unified/mdm/users/{id}', { params: { path: { id }, query: { integrated_account_id: q } }, body: { name: 'user28' } });

    it('answers 401 remote error when Jamf rejects the account credentials', async () => {
      const { error, response } = await remote(BAD_SECRET_ACCOUNT);
      expect(response.status).toBe(401);
      expect(error).toMatchObject({ statusCode: 401, truto_is_remote_error: true, message: expect.stringMatching(/rejected the credentials of integrated account/) });
      expect(JSON.stringify(error)).not.toContain('wrong-secret');
    });

    it.each([400, 403])('passes Jamf %s on as a remote error with Jamf\'s message', async (status) => {
      stack.simulator.faults.failNext(1, status);
      const { error, response } = await remote(ACCOUNT_ID);
      expect(response.status).toBe(status);
      expect(error).toMatchObject({ statusCode: status, truto_is_remote_error: true, raw_response: expect.stringMatching(/Status page/) });
    });

    it('answers 404 remote error for a user Jamf does not have', async () => {
      const { error, response } = await remote(ACCOUNT_ID, '999999');
      expect(response.status).toBe(404);
      expect(error).toMatchObject({ statusCode: 404, truto_is_remote_error: true, message: 'The server has not found anything matching the request URI' });
    });

    // Truto's rule: Jamf's own status is kept (these answered 502 before the connector kept it).
    it.each([
      { name: 'Jamf 500', status: 500, fault: (s: Stack) => s.simulator.faults.failNext(1, 500) },
      { name: 'Jamf 503 on every attempt', status: 503, fault: (s: Stack) => s.simulator.faults.failNext(3, 503) },
      { name: 'Jamf 422', status: 422, fault: (s: Stack) => s.simulator.faults.failNext(1, 422) },
      { name: 'Jamf 429', status: 429, fault: (s: Stack) => s.simulator.faults.failNext(1, 429) },
      { name: 'Jamf 507, a status the spec declares only as a 5XX range', status: 507, fault: (s: Stack) => s.simulator.faults.failNext(1, 507) },
    ])('passes $name on with Jamf\'s status as a remote error, valid against the spec', async ({ status, fault }) => {
      fault(stack);
      // Not through the client: it retries a 429 or 503 by itself.
      const res = await raw(endpoint(), { body: '{"name":"user28"}' });
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ statusCode: status, truto_is_remote_error: true, raw_response: expect.stringMatching(/Status page/) });
    });

    it('forwards Jamf\'s response headers on its error, its Retry-After on a 503', async () => {
      stack.simulator.faults.failNext(1, 422, { retryAfter: 30 });
      const unprocessable = await raw(endpoint(), { body: '{"name":"user28"}' });
      expect(unprocessable.status).toBe(422);
      expect(unprocessable.headers.get('retry-after')).toBe('30');
      expect(unprocessable.headers.get('content-type')).toMatch(/^application\/json/);
      expect(unprocessable.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      stack.simulator.faults.failNext(3, 503, { retryAfter: 1 });
      const unavailable = await raw(endpoint(), { body: '{"name":"user28"}' });
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after')).toBe('1');
    });

    it.each([
      { name: 'a connection reset on every attempt', fault: (s: Stack) => s.simulator.faults.resetNext(3) },
      { name: 'an unparseable answer', fault: (s: Stack) => s.simulator.faults.garbleNext(2) },
    ])('answers 502 remote error for $name (no clean answer from Jamf)', async ({ fault }) => {
      fault(stack);
      const { error, response } = await remote(ACCOUNT_ID);
      expect(response.status).toBe(502);
      expect(error).toMatchObject({ statusCode: 502, error: 'Bad Gateway', truto_is_remote_error: true });
    });

    it('answers 504 remote error when Jamf does not answer in time', async () => {
      stack.simulator.faults.hang = true;
      const started = Date.now();
      const { error, response } = await remote(TIMEOUT_ACCOUNT);
      expect(response.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(300 + 1000);
      expect(error).toMatchObject({ statusCode: 504, error: 'Gateway Timeout', truto_is_remote_error: true });
    });
  });
});
