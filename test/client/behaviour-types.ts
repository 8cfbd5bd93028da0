/**
 * Type-level tests of `updateUser` and the typed errors, checked by `tsc --noEmit` (part of `npm test`):
 * each `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import {
  createMdmUsersClient,
  MdmUsersError,
  type ErrorEnvelope,
  type MdmUsersHttpError,
  type Schemas,
  type UpdateUserData,
} from '../../src/client';

const client = createMdmUsersClient({ baseUrl: 'http://127.0.0.1:1', token: 't', timeoutMs: 5000, retry: { retries: 1, maxDelayMs: 2000 } });
const query = { integrated_account_id: '62f44730-dd91-461e-bd6a-aedd9e0ad79d' };
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const same = <A, B>(_proof: Equal<A, B>): void => undefined;

export async function typeTests(): Promise<void> {
  // The data type follows truto_response_format (more in response-types.ts).
  const unified = await client.updateUser({ id: '1', query, body: { name: 'x' } });
  same<typeof unified.data, Schemas['User']>(true);
  const normalized = await client.updateUser({ id: '1', query: { ...query, truto_response_format: 'normalized' }, body: { name: 'x' } });
  same<typeof normalized.data, Schemas['NormalizedUser']>(true);
  const raw = await client.updateUser({ id: '1', query: { ...query, truto_response_format: 'raw' }, body: { name: 'x' } });
  same<typeof raw.data, Schemas['JamfUserEnvelope']>(true);
  const stream = await client.updateUser({ id: '1', query: { ...query, truto_response_format: 'stream' }, body: { name: 'x' } }, { timeoutMs: 1000, retry: false });
  same<typeof stream.data, ReadableStream<Uint8Array>>(true);
  same<UpdateUserData<'raw'>, Schemas['JamfUserEnvelope']>(true);

  // @ts-expect-error the body needs `name`
  await client.updateUser({ id: '1', query, body: { emails: [] } });
  // @ts-expect-error integrated_account_id is required
  await client.updateUser({ id: '1', query: {}, body: { name: 'x' } });
  // @ts-expect-error an unknown response format does not compile
  await client.updateUser({ id: '1', query: { ...query, truto_response_format: 'xml' }, body: { name: 'x' } });
  // @ts-expect-error timeoutMs is a number
  await client.updateUser({ id: '1', query, body: { name: 'x' } }, { timeoutMs: '5s' });

  // The raw openapi-fetch call keeps its typed { data, error } and accepts the call options.
  const { error } = await client.PATCH('/unified/mdm/users/{id}', { params: { path: { id: '1' }, query }, body: { name: 'x' }, timeoutMs: 1000, retry: false });
  if (error) same<typeof error, ErrorEnvelope>(true);

  try {
    await client.updateUser({ id: '1', query, body: { name: 'x' } });
  } catch (err) {
    if (err instanceof MdmUsersError) {
      const envelope: ErrorEnvelope = err.envelope;
      const status: number = err.status;
      void envelope; void status;
    }
    const http = err as MdmUsersHttpError;
    if (http.status === 429) {
      // narrowed by status: TooManyRequestsError
      same<typeof http.name, string>(true);
      const seconds: number | undefined = http.retryAfterSeconds;
      void seconds;
    }
    // @ts-expect-error 418 is no status of the spec
    if (http.status === 418) void http;
  }
}
