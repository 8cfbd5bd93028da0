/**
 * The programmatic mock server: the real server on its Jamf simulator, started on a free port, driven
 * through the typed client, with simulated Jamf's users, writes and faults in reach.
 */
import { ConflictError, createMdmUsersClient, MdmUsersNetworkError, MdmUsersTimeoutError, NotFoundError } from '../../src/client';
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

  it('answers a remote 404 for a user simulated Jamf does not have, and refuses ids that are not Jamf ids', async () => {
    await expect(client().updateUser({ id: '999', query: { integrated_account_id: mock.accountId }, body: { name: 'x' } })).rejects.toBeInstanceOf(NotFoundError);
    expect(mock.jamf.storedUser('999')).toBeUndefined();
    expect(() => mock.jamf.storedUser('12a')).toThrow(/whole number/);
  });
});

describe('startMockServer options and close', () => {
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
