import { createAccountRegistry } from '../../../src/server/accounts/registry';
import { createApp } from '../../../src/server/app';
import { createLogger } from '../../../src/server/logger';
import type { JamfUsersConnector } from '../../../src/jamf/connector/types';
import { listen } from '../../helpers/listen';

/**
 * The query step over HTTP, through the whole pipeline, on the fast validation path and on
 * express-openapi-validator's own: the wire forms of truto_exclude_fields, and what errors about it say.
 */
describe.each([true, false])('truto_exclude_fields on the wire (fast validation path: %s)', (fastValidation) => {
  const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
  const stub: JamfUsersConnector = {
    updateUser: (id) => Promise.resolve({ user: { id: Number(id), name: 'x', full_name: 'Ada Lovelace' } }),
    updateUserStream: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
  const context = { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic' as const, username: 'u', password: 'p' } };
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const accounts = createAccountRegistry([{ id: ACCOUNT, integration: 'jamf', context }], () => stub);
    server = await listen(createApp({ tokens: ['t'], accounts, logger: createLogger('silent'), responseValidation: 'fail', fastValidation }));
  });
  afterAll(() => server.close());

  const send = (query: string) => fetch(`${server.url}/unified/mdm/users/1?integrated_account_id=${ACCOUNT}&${query}`, {
    method: 'PATCH', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"name":"x"}',
  });

  it.each([
    'truto_exclude_fields[]=id&truto_exclude_fields[]=name',
    'truto_exclude_fields=id&truto_exclude_fields=name',
    'truto_exclude_fields[0]=id&truto_exclude_fields[1]=name',
    'truto_exclude_fields%5B0%5D=id&truto_exclude_fields%5B1%5D=name',
    'truto_exclude_fields=id,name',
    'truto_exclude_fields=id%2Cname',
  ])('leaves out id and name for %s', async (query) => {
    const res = await send(query);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ first_name: 'Ada', last_name: 'Lovelace', remote_data: { id: 1, name: 'x', full_name: 'Ada Lovelace' } });
  });

  const FORMS = [
    'truto_exclude_fields[]=id&truto_exclude_fields[]=name',
    'truto_exclude_fields=id&truto_exclude_fields=name',
    'truto_exclude_fields[0]=id&truto_exclude_fields[1]=name',
    'truto_exclude_fields=id,name',
  ];

  it.each([
    { name: 'an unknown field', query: 'truto_exclude_fields=nmae' },
    { name: 'an unknown field in the comma form', query: 'truto_exclude_fields=id,nmae' },
    { name: 'a trailing comma', query: 'truto_exclude_fields=id,' },
    { name: 'an object instead of a list', query: 'truto_exclude_fields[a]=id' },
    { name: 'more than 100 fields', query: Array.from({ length: 101 }, () => 'truto_exclude_fields[]=id').join('&') },
  ])('refuses $name with 400, naming the accepted forms', async ({ query }) => {
    const res = await send(query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { message: string; errors?: Array<{ path: string }> };
    for (const form of FORMS) expect(body.message).toContain(form);
    expect(body.errors?.[0]?.path).toMatch(/^\/query\/truto_exclude_fields/);
  });

  it('names no forms in errors about other parameters', async () => {
    const res = await send('truto_response_format=xml');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).not.toContain('truto_exclude_fields');
  });
});
