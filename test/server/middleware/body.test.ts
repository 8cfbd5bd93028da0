import { request } from 'node:http';
import { createAccountRegistry } from '../../../src/server/accounts/registry';
import { createApp } from '../../../src/server/app';
import { createLogger } from '../../../src/server/logger';
import { listen } from '../../helpers/listen';

/** The request body over HTTP, through the whole pipeline, on both validation paths: a missing body, and an email that is not an address. */
describe.each([true, false])('the update body (fast validation path: %s)', (fastValidation) => {
  const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
  const context = { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic' as const, username: 'u', password: 'p' } };
  let writes = 0;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const accounts = createAccountRegistry([{ id: ACCOUNT, integration: 'jamf', context }], () => ({
      updateUser: (id: string) => { writes++; return Promise.resolve({ user: { id: Number(id), name: 'x' } }); },
      updateUserStream: () => Promise.reject(new Error('not used')),
      close: () => Promise.resolve(),
    }));
    server = await listen(createApp({ tokens: ['t'], accounts, logger: createLogger('silent'), responseValidation: 'fail', fastValidation }));
  });
  afterAll(() => server.close());
  beforeEach(() => { writes = 0; });

  const patch = (init: { body?: string; headers?: Record<string, string> }) => fetch(`${server.url}/unified/mdm/users/1?integrated_account_id=${ACCOUNT}`, {
    method: 'PATCH', headers: { authorization: 'Bearer t', ...init.headers }, ...(init.body === undefined ? {} : { body: init.body }),
  });

  /** A PATCH with exactly these headers and no body (fetch adds a Content-Type to any body, even an empty one). */
  const bare = (headers: Record<string, string>) => new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${server.url}/unified/mdm/users/1?integrated_account_id=${ACCOUNT}`, { method: 'PATCH', headers: { authorization: 'Bearer t', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });

  it.each([
    { name: 'no body and no Content-Type', send: () => patch({}).then(async (r) => ({ status: r.status, text: await r.text() })) },
    { name: 'Content-Length: 0 and no Content-Type', send: () => bare({ 'content-length': '0' }) },
    { name: 'no body with Content-Type: application/json', send: () => bare({ 'content-type': 'application/json' }) },
  ])('answers $name with 400 naming the required name (not 415)', async ({ send }) => {
    const res = await send();
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as { message: string; errors: Array<{ path: string; error_code?: string }> };
    expect(body.message).toMatch(/'name'/);
    expect(body.errors).toEqual([expect.objectContaining({ path: '/body/name', error_code: 'required' })]);
    expect(writes).toBe(0);
  });

  it('answers a body without Content-Type with 415 naming the header', async () => {
    const res = await fetch(`${server.url}/unified/mdm/users/1?integrated_account_id=${ACCOUNT}`, {
      method: 'PATCH', headers: { authorization: 'Bearer t', 'content-type': '' }, body: '{"name":"x"}',
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { message: string }).message).toMatch(/Content-Type: application\/json/);
  });

  it.each(['not-an-email', 'a@b', 'john doe@example.com', '@example.com', 'john@', 'a@b@example.com', 'john@example..com'])('refuses the email %j with 400, writing nothing', async (email) => {
    const res = await patch({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', emails: [{ email, is_primary: true }] }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, errors: [expect.objectContaining({ path: '/body/emails/0/email', error_code: 'pattern' })] });
    expect(writes).toBe(0);
  });

  it.each(['john.doe@example.com', 'zoë@exämple.com', "o'brien+tag@mail.example.co.uk"])('accepts the email %j', async (email) => {
    const res = await patch({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', emails: [{ email }] }) });
    expect(res.status).toBe(200);
    expect(writes).toBe(1);
  });
});
