/**
 * The programmatic mock server: the real server on its Jamf simulator, started on a free port, driven
 * through the typed client, with simulated Jamf's users, writes and faults in reach.
 */
import {
  BadGatewayError, ConflictError, createMdmUsersClient, MdmUsersNetworkError, MdmUsersTimeoutError, NotFoundError, ServiceUnavailableError, TooManyRequestsError,
} from '../../src/client';
import { startMockServer, type JamfUser, type MockServer } from '../../src/mock';

const newcomer: JamfUser = { id: 501, name: 'newcomer', full_name: 'New Comer', email: 'new@example.com', email_address: 'new@example.com', sites: [] };

describe('startMockServer', () => {
  let mock: MockServer;
  beforeAll(async () => { mock = await startMockServer({ users: [newcomer] }); }, 60_000);
  afterAll(() => mock.close());
  beforeEach(() => mock.jamf.reset());
  const client = (extra: { timeoutMs?: number } = {}) => createMdmUsersClient({ baseUrl: mock.url, token: mock.token, retry: false, ...extra });

  it('listens on a free loopback port and accepts only its token', async () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(mock.url).port).not.toBe('0');
    const wrong = createMdmUsersClient({ baseUrl: mock.url, token: `${mock.token}x`, retry: false });
    await expect(wrong.updateUser({ id: '23423523', query: { integrated_account_id: mock.accountId }, body: { name: 'x' } })).rejects.toMatchObject({ status: 401 });
  });

  it('carries an update through to simulated Jamf: the stored user and the XML written', async () => {
    const { data } = await client().updateUser({
      id: '23423523',
      query: { integrated_account_id: mock.accountId, truto_response_format: 'normalized' },
      body: { name: 'jdoe2', emails: [{ email: 'john.doe2@example.com', is_primary: true }] },
    });
    expect(data).toMatchObject({ id: '23423523', name: 'jdoe2', emails: [{ email: 'john.doe2@example.com', type: null, is_primary: true }] });
    expect(mock.jamf.storedUser('23423523')).toMatchObject({ id: 23423523, name: 'jdoe2', email: 'john.doe2@example.com', email_address: 'john.doe2@example.com', full_name: 'John Doe' });
    const [write] = mock.jamf.writes();
    expect(write).toMatchObject({ method: 'PUT', path: '/JSSResource/users/id/23423523' });
    expect(write?.body).toContain('<name>jdoe2</name>');
    expect(write?.headers).not.toHaveProperty('authorization');
  });

  it('serves the users given at start and those seeded later', async () => {
    expect(mock.jamf.storedUser(501)).toMatchObject({ name: 'newcomer' });
    const seeded = mock.jamf.seedUser({ id: 502, name: 'seeded', full_name: 'Seed Ed' });
    expect(seeded).toEqual({ id: 502, name: 'seeded', full_name: 'Seed Ed' });
    const { data } = await client().updateUser({ id: '502', query: { integrated_account_id: mock.accountId }, body: { name: 'seeded2' } });
    expect(data).toMatchObject({ id: '502', name: 'seeded2', first_name: 'Seed', last_name: 'Ed' });
    expect(mock.jamf.storedUser(502)?.name).toBe('seeded2');
    expect(() => mock.jamf.seedUser({ id: 503, name: 'SEEDED2' })).toThrow(/already named/);
  });

  it('injects Jamf errors and delays, and reset() clears them and restores the users', async () => {
    mock.jamf.fail(409, { message: 'Error: Duplicate name' });
    const conflict = await client().updateUser({ id: '23423523', query: { integrated_account_id: mock.accountId }, body: { name: 'taken' } }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).isRemote).toBe(true);
    expect(mock.jamf.storedUser(23423523)?.name).toBe('jdoe');

    await client().updateUser({ id: '23423523', query: { integrated_account_id: mock.accountId }, body: { name: 'renamed' } });
    mock.jamf.delay(5_000);
    // User 6 keeps its name: the delayed write, still carried out after the client gave up, changes nothing.
    await expect(client({ timeoutMs: 200 }).updateUser({ id: '6', query: { integrated_account_id: mock.accountId }, body: { name: 'Twanda9039' } })).rejects.toBeInstanceOf(MdmUsersTimeoutError);

    mock.jamf.reset();
    expect(mock.jamf.storedUser(23423523)?.name).toBe('jdoe');
    expect(mock.jamf.storedUser(502)).toBeUndefined();
    expect(mock.jamf.writes()).toEqual([]);
    const { data } = await client().updateUser({ id: '23423523', query: { integrated_account_id: mock.accountId }, body: { name: 'jdoe' } });
    expect(data).toMatchObject({ name: 'jdoe' });
  }, 30_000);

  it('lists its users by id, keeps the writes oldest first and counts the Jamf calls until reset()', async () => {
    expect(mock.jamf.users().map((u) => u.id)).toEqual([1, 6, 501, 23423523]);
    const update = (name: string) => client().updateUser({ id: '501', query: { integrated_account_id: mock.accountId }, body: { name } });
    await update('first');
    await update('second');
    expect(mock.jamf.writes().map((w) => /<name>(\w+)<\/name>/.exec(w.body)?.[1])).toEqual(['first', 'second']);
    expect(mock.jamf.counters()).toMatchObject({ puts: 2, gets: 2, requests: 4 });
    mock.jamf.reset();
    expect(mock.jamf.counters()).toMatchObject({ puts: 0, gets: 0, requests: 0 });
  });

  it('fails exactly `times` Jamf calls, then carries out the next', async () => {
    mock.jamf.fail(409, { times: 2, message: 'Error: Duplicate name' });
    const update = () => client().updateUser({ id: '6', query: { integrated_account_id: mock.accountId }, body: { name: 'six' } });
    await expect(update()).rejects.toBeInstanceOf(ConflictError);
    await expect(update()).rejects.toBeInstanceOf(ConflictError);
    await expect(update()).resolves.toMatchObject({ data: { name: 'six' } });
    expect(mock.jamf.storedUser(6)?.name).toBe('six');
  });

  it('sends Jamf\'s Retry-After with an injected 503, which the server passes on once its own retries are spent', async () => {
    mock.jamf.fail(503, { times: 3, retryAfter: 1 });
    const error = await client().updateUser({ id: '6', query: { integrated_account_id: mock.accountId }, body: { name: 'six' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ isRemote: true, retryAfterSeconds: 1 });
    expect(mock.jamf.counters().requests).toBe(3);
  }, 30_000);

  it('resets the connections of the next Jamf calls: every attempt of the server is sent and cut, the update fails as a 502 and is not carried out', async () => {
    mock.jamf.resetConnections(3);
    const error = await client().updateUser({ id: '6', query: { integrated_account_id: mock.accountId }, body: { name: 'six' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadGatewayError);
    expect(mock.jamf.storedUser(6)?.name).toBe('Twanda9039');
    expect(mock.jamf.writes()).toHaveLength(3);
  }, 30_000);

  it('answers a remote 404 for a user simulated Jamf does not have, and refuses ids that are not Jamf ids', async () => {
    await expect(client().updateUser({ id: '999', query: { integrated_account_id: mock.accountId }, body: { name: 'x' } })).rejects.toBeInstanceOf(NotFoundError);
    expect(mock.jamf.storedUser('999')).toBeUndefined();
    expect(() => mock.jamf.storedUser('12a')).toThrow(/whole number/);
  });
});

describe('startMockServer options and close', () => {
  it('limits each token when asked (rateLimitPerToken), answering 429 with Retry-After past the limit', async () => {
    const mock = await startMockServer({ rateLimitPerToken: '1/10s' });
    try {
      const c = createMdmUsersClient({ baseUrl: mock.url, token: mock.token, retry: false });
      const call = () => c.updateUser({ id: '6', query: { integrated_account_id: mock.accountId }, body: { name: 'Twanda9039' } });
      await call();
      const refused = await call().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(TooManyRequestsError);
      expect((refused as TooManyRequestsError).retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await mock.close();
    }
  }, 60_000);


  it('uses the token it is given, refuses one it could not accept, and stops listening on close (twice is fine)', async () => {
    await expect(startMockServer({ token: 'a,b' })).rejects.toThrow(/commas/);
    const mock = await startMockServer({ token: 'test-token-1' });
    expect(mock.token).toBe('test-token-1');
    const c = createMdmUsersClient({ baseUrl: mock.url, token: 'test-token-1', retry: false });
    await expect(c.updateUser({ id: '6', query: { integrated_account_id: mock.accountId }, body: { name: 'Twanda9039' } })).resolves.toMatchObject({ data: { id: '6' } });
    await mock.close();
    await mock.close();
    await expect(c.updateUser({ id: '6', query: { integrated_account_id: mock.accountId }, body: { name: 'x' } })).rejects.toBeInstanceOf(MdmUsersNetworkError);
  }, 60_000);
});
