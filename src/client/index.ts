import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from '../../generated/mdm-users';
import { serializeQuery } from './query-serializer';

export type { components, operations, paths };
export { serializeQuery };

/** The unified user and the other schemas of the spec, by name. */
export type Schemas = components['schemas'];

export interface MdmUsersClientOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** An API token of the server, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** A `fetch` to use instead of the global one (for tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

export type MdmUsersClient = Client<paths>;

/**
 * Creates a typed client of the Unified MDM Users API (openapi-fetch over the generated `paths`),
 * sending the bearer token and serializing query parameters in the API's wire forms.
 */
export function createMdmUsersClient(options: MdmUsersClientOptions): MdmUsersClient {
  if (!options.baseUrl) throw new TypeError('createMdmUsersClient: give the server URL as `baseUrl`, e.g. http://127.0.0.1:3000.');
  if (!options.token) throw new TypeError('createMdmUsersClient: give an API token of the server as `token`.');
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { ...options.headers, Authorization: `Bearer ${options.token}` },
    querySerializer: (query) => serializeQuery(query as Record<string, unknown>),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
