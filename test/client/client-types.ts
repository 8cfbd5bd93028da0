/**
 * Type-level tests of the client, checked by `tsc --noEmit` (part of `npm test`): each
 * `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import { createMdmUsersClient } from '../../src/client';

const client = createMdmUsersClient({ baseUrl: 'http://127.0.0.1:1', token: 't' });
const path = { id: '23423523' };
const query = { integrated_account_id: '62f44730-dd91-461e-bd6a-aedd9e0ad79d' };

export async function typeTests(): Promise<void> {
  // A complete call compiles.
  await client.PATCH('/unified/mdm/users/{id}', { params: { path, query: { ...query, truto_exclude_fields: ['id', 'name'], remote_query: { foo: 'bar' } } }, body: { name: 'x' } });
  // @ts-expect-error a body without `name` does not compile
  await client.PATCH('/unified/mdm/users/{id}', { params: { path, query }, body: { emails: [] } });
  // @ts-expect-error an unknown response format does not compile
  await client.PATCH('/unified/mdm/users/{id}', { params: { path, query: { ...query, truto_response_format: 'xml' } }, body: { name: 'x' } });
  // @ts-expect-error integrated_account_id is required
  await client.PATCH('/unified/mdm/users/{id}', { params: { path, query: {} }, body: { name: 'x' } });
  // @ts-expect-error an unknown field cannot be excluded
  await client.PATCH('/unified/mdm/users/{id}', { params: { path, query: { ...query, truto_exclude_fields: ['nmae'] } }, body: { name: 'x' } });
  // @ts-expect-error emails carry an `email`
  await client.PATCH('/unified/mdm/users/{id}', { params: { path, query }, body: { name: 'x', emails: [{ is_primary: true }] } });
  // @ts-expect-error the path id is required
  await client.PATCH('/unified/mdm/users/{id}', { params: { query }, body: { name: 'x' } });
  // @ts-expect-error there is no GET on this path
  await client.GET('/unified/mdm/users/{id}', { params: { path, query } });

  const { data, error } = await client.PATCH('/unified/mdm/users/{id}', { params: { path, query }, body: { name: 'x' } });
  if (error) {
    const status: number = error.statusCode;
    const message: string = error.message;
    void status; void message;
  }
  if (data && typeof data === 'object' && !('user' in data)) {
    const name: string | undefined = data.name;
    // @ts-expect-error the response user has no `username` field
    void data.username;
    void name;
  }
}
