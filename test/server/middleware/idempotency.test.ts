import { createAccountRegistry, type AccountRegistry } from '../../../src/server/accounts/registry';
import { createApp } from '../../../src/server/app';
import { createLogger } from '../../../src/server/logger';
import { isRepeatable } from '../../../src/server/middleware/idempotency';
import { listen } from '../../helpers/listen';
import { ACCOUNT_ID, API_TOKEN, startStack, type Stack } from '../../helpers/stack';

describe('Idempotency-Key', () => {
  let stack: Stack;
  beforeAll(async () => { stack = await startStack(); });
  afterAll(() => stack.close());
  afterEach(() => stack.simulator.faults.reset());

  const send = (key: string, body: unknown, id = '1') => fetch(`${stack.url}/unified/mdm/users/${id}?integrated_account_id=${ACCOUNT_ID}`, {
    method: 'PATCH', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body),
  });

  it('answers a repeated request with the stored response, without a second Jamf write', async () => {
    const before = stack.simulator.counters.puts;
    const first = await send('key-repeat', { name: 'user28' });
    const firstBody = await first.text();
    const second = await send('key-repeat', { name: 'user28' });
    expect(second.status).toBe(first.status);
    expect(await second.text()).toBe(firstBody);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(stack.simulator.counters.puts - before).toBe(1);
  });

  it('makes concurrent duplicates wait for the first and share its response', async () => {
    stack.simulator.faults.delayMs = 100;
    const before = stack.simulator.counters.puts;
    const answers = await Promise.all(Array.from({ length: 10 }, () => send('key-concurrent', { name: 'user28' }).then(async (r) => ({ status: r.status, body: await r.text() }))));
    expect(new Set(answers.map((a) => `${a.status} ${a.body}`)).size).toBe(1);
    expect(answers[0]?.status).toBe(200);
    expect(stack.simulator.counters.puts - before).toBe(1);
  });

  it('refuses the same key with a different body with 422', async () => {
    await send('key-mismatch', { name: 'user28' });
    const res = await send('key-mismatch', { name: 'someone-else' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ statusCode: 422, message: expect.stringMatching(/already used with a different request/) });
  });

  it('does not keep a failure worth retrying: the retry with the same key is carried out', async () => {
    stack.simulator.faults.failNext(1, 500);
    const failed = await send('key-retry', { name: 'user28' });
    expect(failed.status).toBe(500); // Jamf's own 500, kept as Truto does (it was 502 before)
    const retried = await send('key-retry', { name: 'user28' });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it.each<{ name: string; id: string; status: number; fault: () => void; body?: { name: string } }>([
    { name: 'Jamf\'s 404 for a user it does not have', id: '999999', status: 404, fault: () => undefined },
    { name: 'Jamf\'s 409 for a name another user has', id: '6', status: 409, fault: () => undefined, body: { name: 'user28' } },
    { name: 'Jamf\'s 422', id: '1', status: 422, fault: () => { stack.simulator.faults.failNext(1, 422); } },
  ])('keeps $name: the retry is answered the same, without writing to Jamf again', async ({ id, status, fault, body }) => {
    const key = `key-kept-${status}`;
    fault();
    const first = await send(key, body ?? { name: 'user28' }, id);
    expect(first.status).toBe(status);
    const puts = stack.simulator.counters.puts;
    const again = await send(key, body ?? { name: 'user28' }, id);
    expect(again.status).toBe(status);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(await first.text());
    expect(stack.simulator.counters.puts).toBe(puts);
  });

  it.each([401, 403])('does not keep Jamf\'s %s (credentials or privileges may be fixed): the retry is carried out', async (status) => {
    stack.simulator.faults.failNext(status === 401 ? 2 : 1, status);
    const refused = await send(`key-remote-${status}`, { name: 'user28' });
    expect(refused.status).toBe(status);
    expect(await refused.json()).toMatchObject({ truto_is_remote_error: true });
    const retried = await send(`key-remote-${status}`, { name: 'user28' });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses a malformed key with 400', async () => {
    const res = await send('x'.repeat(300), { name: 'user28' });
    expect(res.status).toBe(400);
  });
});

describe('isRepeatable', () => {
  it.each([200, 201, 204, 400, 404, 405, 409, 410, 413, 415, 422])('keeps %s', (status) => expect(isRepeatable(status)).toBe(true));
  it.each([401, 403, 407, 408, 423, 429, 500, 502, 503, 504])('does not keep %s', (status) => expect(isRepeatable(status)).toBe(false));
});

describe('Idempotency-Key and accounts', () => {
  it('claims no key for an account the server does not know (yet): the same request is carried out once the account is there', async () => {
    let writes = 0;
    const context = { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic' as const, username: 'u', password: 'p' } };
    const known = createAccountRegistry([{ id: ACCOUNT_ID, integration: 'jamf', context }], () => ({
      updateUser: (id: string) => { writes++; return Promise.resolve({ user: { id: Number(id), name: 'x' } }); },
      updateUserStream: () => Promise.reject(new Error('not used')),
      close: () => Promise.resolve(),
    }));
    let added = false;
    const accounts: AccountRegistry = { ...known, get: (id) => (added ? known.get(id) : undefined) };
    const server = await listen(createApp({ tokens: ['token-a'], accounts, logger: createLogger('silent'), responseValidation: 'fail' }));
    try {
      const send = () => fetch(`${server.url}/unified/mdm/users/1?integrated_account_id=${ACCOUNT_ID}`, {
        method: 'PATCH', headers: { authorization: 'Bearer token-a', 'content-type': 'application/json', 'idempotency-key': 'account-key' }, body: '{"name":"x"}',
      });
      expect((await send()).status).toBe(404);
      added = true;
      const retried = await send();
      expect(retried.status).toBe(200);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      expect(writes).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('Idempotency-Key scope', () => {
  it('keeps keys of different API tokens apart', async () => {
    let writes = 0;
    const accounts = createAccountRegistry([{ id: ACCOUNT_ID, integration: 'jamf', context: { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic', username: 'u', password: 'p' } } }], () => ({
      updateUser: (id: string) => { writes++; return Promise.resolve({ user: { id: Number(id), name: 'x' } }); },
      updateUserStream: () => Promise.reject(new Error('not used')),
      close: () => Promise.resolve(),
    }));
    const server = await listen(createApp({ tokens: ['token-a', 'token-b'], accounts, logger: createLogger('silent'), responseValidation: 'fail' }));
    try {
      const send = (token: string) => fetch(`${server.url}/unified/mdm/users/1?integrated_account_id=${ACCOUNT_ID}`, {
        method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'shared-key' }, body: '{"name":"x"}',
      });
      const [a, b, again] = [await send('token-a'), await send('token-b'), await send('token-a')];
      expect([a.status, b.status, again.status]).toEqual([200, 200, 200]);
      expect([a.headers.get('idempotent-replayed'), b.headers.get('idempotent-replayed'), again.headers.get('idempotent-replayed')]).toEqual([null, null, 'true']);
      expect(writes).toBe(2);
    } finally {
      await server.close();
    }
  });
});
