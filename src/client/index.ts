import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from '../../generated/mdm-users';
import { errorFromResponse, type ErrorEnvelope } from './errors';
import { serializeQuery } from './query-serializer';
import type { UpdateUserDataFor, UpdateUserQuery } from './response-types';
import type { RetryOptions } from './retry-policy';
import { createTransport, DEFAULT_TIMEOUT_MS, type CallOptions } from './transport';

export type { components, operations, paths };
export { serializeQuery };
export * from './errors';
export type * from './response-types';
export { DEFAULT_RETRY, RETRIED_NETWORK_CODES, RETRIED_STATUSES, type RetryOptions } from './retry-policy';
export { DEFAULT_TIMEOUT_MS, IDEMPOTENCY_KEY_HEADER, type CallOptions } from './transport';

/** The unified user and the other schemas of the spec, by name. */
export type Schemas = components['schemas'];

type UpdateMdmUser = operations['updateMdmUser'];
/** The body of `PATCH /unified/mdm/users/{id}`. */
export type UpdateUserBody = UpdateMdmUser['requestBody']['content']['application/json'];

export interface UpdateUserInput<Q extends UpdateUserQuery = UpdateUserQuery> {
  /** The Jamf user id. */
  id: string;
  /** `integrated_account_id` (required) and the optional `truto_*` / `remote_query` parameters. */
  query: Q;
  body: UpdateUserBody;
  /** Sent as `Idempotency-Key`: the server carries out one update per key (use a fresh UUID per intended update). */
  idempotencyKey?: string;
}

export interface UpdateUserResult<Q extends UpdateUserQuery = UpdateUserQuery> {
  /**
   * The user in the asked format, typed by the query: `unified` → the `User` (without the fields of a
   * literal `truto_exclude_fields` tuple), `normalized` → every field present (`null` where Jamf has no
   * value), `raw` → `JamfUserEnvelope`, `stream` → a `ReadableStream<Uint8Array>` of Jamf's XML.
   */
  data: UpdateUserDataFor<Q>;
  /** The HTTP response (headers such as `x-request-id`, `Idempotent-Replayed`); its body is already read (or is `data`, for `stream`). */
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
  /**
   * Default retries of 429/503 (honouring `Retry-After`) and of connections reset before an answer:
   * 2 retries, waits up to 10 s, every attempt with the same `Idempotency-Key`. `false` turns them off.
   */
  retry?: RetryOptions | false;
}

/**
 * openapi-fetch's client over the generated `paths` (`PATCH` answers `{ data, error, response }`, typed by
 * the spec; `timeoutMs` and `retry` may be given in its init), plus `updateUser`, which answers the
 * data or throws the typed `MdmUsersError` of the status.
 */
export type MdmUsersClient = Client<paths> & {
  /**
   * `PATCH /unified/mdm/users/{id}`: resolves with the user in the asked format, typed by the query, or
   * rejects with the `MdmUsersError` subclass of the status (`NotFoundError`, `ConflictError`, …),
   * `MdmUsersTimeoutError` or `MdmUsersNetworkError`. `stream` resolves at the headers with the body unread.
   */
  updateUser<const Q extends UpdateUserQuery>(input: UpdateUserInput<Q>, options?: CallOptions): Promise<UpdateUserResult<Q>>;
};

/**
 * Creates a typed client of the Unified MDM Users API (openapi-fetch over the generated `paths`),
 * sending the bearer token, serializing query parameters in the API's wire forms, bounding each call
 * by a timeout and retrying 429/503 and reset connections with one `Idempotency-Key` per call.
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

  async function updateUser<const Q extends UpdateUserQuery>(input: UpdateUserInput<Q>, call: CallOptions = {}): Promise<UpdateUserResult<Q>> {
    const stream = input.query.truto_response_format === 'stream';
    const result = await client.PATCH('/unified/mdm/users/{id}', {
      params: {
        path: { id: input.id },
        query: input.query as UpdateMdmUser['parameters']['query'],
        ...(input.idempotencyKey !== undefined ? { header: { 'Idempotency-Key': input.idempotencyKey } } : {}),
      },
      body: input.body,
      parseAs: stream ? 'stream' : 'json',
      ...(stream ? { mdmStreamBody: true } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
      ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}),
      ...(call.retry !== undefined ? { retry: call.retry } : {}),
    });
    const { response } = result;
    if (!response.ok) {
      throw errorFromResponse({ method: 'PATCH', url: response.url || urlOf(options.baseUrl, input.id) }, response, result.error as ErrorEnvelope | string | undefined, secrets);
    }
    return { data: result.data as UpdateUserDataFor<Q>, response };
  }

  return Object.assign(client, { updateUser });
}

function urlOf(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/unified/mdm/users/${encodeURIComponent(id)}`;
}
