import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from '../../generated/mdm-users';
import { errorFromResponse, type ErrorEnvelope } from './errors';
import { serializeQuery } from './query-serializer';
import { createTransport, DEFAULT_TIMEOUT_MS, type CallOptions, type RetryOptions } from './transport';

export type { components, operations, paths };
export { serializeQuery };
export * from './errors';
export { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, RETRIED_STATUSES, type CallOptions, type RetryOptions } from './transport';

/** The unified user and the other schemas of the spec, by name. */
export type Schemas = components['schemas'];

type UpdateMdmUser = operations['updateMdmUser'];
/** The query parameters of `PATCH /unified/mdm/users/{id}`. */
export type UpdateUserQuery = UpdateMdmUser['parameters']['query'];
/** The body of `PATCH /unified/mdm/users/{id}`. */
export type UpdateUserBody = UpdateMdmUser['requestBody']['content']['application/json'];
/** The response formats (`truto_response_format`). */
export type ResponseFormat = NonNullable<UpdateUserQuery['truto_response_format']>;

/**
 * The 200 body for a response format: the unified or normalized user (`UserResponse`), Jamf's JSON
 * (`raw`, `JamfUserEnvelope`) or Jamf's XML text (`stream`).
 */
export type UpdateUserData<F extends ResponseFormat | undefined = ResponseFormat | undefined> = F extends 'raw'
  ? Schemas['JamfUserEnvelope']
  : F extends 'stream'
    ? string
    : Schemas['UserResponse'];

export interface UpdateUserInput<Q extends UpdateUserQuery = UpdateUserQuery> {
  /** The Jamf user id. */
  id: string;
  /** `integrated_account_id` (required) and the optional `truto_*` / `remote_query` parameters. */
  query: Q;
  body: UpdateUserBody;
  /** Sent as `Idempotency-Key`: the server carries out one update per key (use a fresh UUID per intended update). */
  idempotencyKey?: string;
}

export interface UpdateUserResult<F extends ResponseFormat | undefined = ResponseFormat | undefined> {
  data: UpdateUserData<F>;
  /** The HTTP response (headers such as `x-request-id`, `Idempotent-Replayed`); its body is already read. */
  response: Response;
}

export interface MdmUsersClientOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** An API token of the server, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** A `fetch` to use instead of the global one (for tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Default longest time of one call in ms, retries included (`0`: no limit). Default 30 000. A call's `timeoutMs` overrides it. */
  timeoutMs?: number;
  /** Default retries of 429/503 honouring `Retry-After` (2 retries, waits up to 10 s); `false` turns them off. */
  retry?: RetryOptions | false;
}

/**
 * openapi-fetch's client over the generated `paths` (`PATCH` answers `{ data, error, response }`, typed by
 * the spec; `timeoutMs` and `retry` may be given in its init), plus `updateUser`, which answers the
 * data or throws the typed `MdmUsersError` of the status.
 */
export type MdmUsersClient = Client<paths> & {
  /**
   * `PATCH /unified/mdm/users/{id}`: resolves with the user in the asked format, or rejects with the
   * `MdmUsersError` subclass of the status (`NotFoundError`, `ConflictError`, …), `MdmUsersTimeoutError`
   * or `MdmUsersNetworkError`. `stream` is read as text.
   */
  updateUser<Q extends UpdateUserQuery>(input: UpdateUserInput<Q>, options?: CallOptions): Promise<UpdateUserResult<Q['truto_response_format']>>;
};

/**
 * Creates a typed client of the Unified MDM Users API (openapi-fetch over the generated `paths`),
 * sending the bearer token, serializing query parameters in the API's wire forms, bounding each call
 * by a timeout and retrying 429/503 as `Retry-After` says.
 */
export function createMdmUsersClient(options: MdmUsersClientOptions): MdmUsersClient {
  if (!options.baseUrl) throw new TypeError('createMdmUsersClient: give the server URL as `baseUrl`, e.g. http://127.0.0.1:3000.');
  if (!options.token) throw new TypeError('createMdmUsersClient: give an API token of the server as `token`.');
  const secrets = [options.token];
  const transport = createTransport({
    fetch: options.fetch ?? ((input: Request) => globalThis.fetch(input)),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: options.retry ?? {},
    secrets,
  });
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { ...options.headers, Authorization: `Bearer ${options.token}` },
    querySerializer: (query) => serializeQuery(query as Record<string, unknown>),
    fetch: transport,
  });

  async function updateUser<Q extends UpdateUserQuery>(input: UpdateUserInput<Q>, call: CallOptions = {}): Promise<UpdateUserResult<Q['truto_response_format']>> {
    const result = await client.PATCH('/unified/mdm/users/{id}', {
      params: {
        path: { id: input.id },
        query: input.query,
        ...(input.idempotencyKey !== undefined ? { header: { 'Idempotency-Key': input.idempotencyKey } } : {}),
      },
      body: input.body,
      parseAs: input.query.truto_response_format === 'stream' ? 'text' : 'json',
      ...(call.signal ? { signal: call.signal } : {}),
      ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}),
      ...(call.retry !== undefined ? { retry: call.retry } : {}),
    });
    const { response } = result;
    if (!response.ok) {
      throw errorFromResponse({ method: 'PATCH', url: response.url || urlOf(options.baseUrl, input.id) }, response, result.error as ErrorEnvelope | string | undefined, secrets);
    }
    return { data: result.data as UpdateUserData<Q['truto_response_format']>, response };
  }

  return Object.assign(client, { updateUser });
}

function urlOf(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/unified/mdm/users/${encodeURIComponent(id)}`;
}

