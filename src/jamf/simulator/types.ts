import type { IncomingHttpHeaders } from 'node:http';
import type { SimulatorFaults } from './faults';

/** A value in Jamf's JSON form of a Classic API object: text, numbers, booleans, nested elements, lists. */
export type JamfValue = string | number | boolean | null | JamfValue[] | JamfObject;

/** An element with child elements, in Jamf's element order (JavaScript keeps string keys in insertion order). */
export interface JamfObject {
  [element: string]: JamfValue;
}

/**
 * A Classic API user as the simulator stores it: the JSON form of `GET /JSSResource/users/id/{id}`
 * (`{"user": …}` without the wrapper), keys in Jamf's XML element order, lists as arrays.
 */
export interface SimulatorUser extends JamfObject {
  id: number;
  name: string;
}

/**
 * Who may get a token: API clients (OAuth client credentials) and user accounts (Basic auth). One with
 * `usersPrivileges: false` gets valid tokens that `/JSSResource/users` answers with 401, as Jamf's Classic
 * API answers an account without the Users privileges (default: it has them).
 */
export interface SimulatorCredentials {
  clients: Array<{ client_id: string; client_secret: string; usersPrivileges?: boolean }>;
  users: Array<{ username: string; password: string; usersPrivileges?: boolean }>;
}

export interface SimulatorOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; default `0` (any free port). */
  port?: number;
  /** Default: {@link DEFAULT_CREDENTIALS}. */
  credentials?: SimulatorCredentials;
  /** Token lifetime for both flows; default 1200 s for OAuth (`expires_in`), 1800 s for `/api/v1/auth/token`. Fractions allowed. */
  tokenTtlSeconds?: number;
  /** Seed the three fixture users (ids 1, 6, 23423523); default `true`. */
  seed?: boolean;
}

/** Direct access to the simulator's users, for tests. Values are copies: changing them changes nothing stored. */
export interface SimulatorUserStore {
  /** The stored user, or `undefined`. */
  get(id: number): SimulatorUser | undefined;
  /** Adds or replaces the user with `user.id`. Throws when another user already has `user.name`. */
  set(user: SimulatorUser): void;
  /** Removes the user; `true` when it existed. */
  delete(id: number): boolean;
  /** All users, by ascending id. */
  list(): SimulatorUser[];
}

/** How the simulator has been used since it started or since `resetCounters()`. */
export interface SimulatorCounters {
  /** Calls to `/api/oauth/token`, `/api/v1/auth/token` and `/api/v1/auth/keep-alive`. */
  readonly tokenRequests: number;
  /** Calls to `/JSSResource/…`, whatever their outcome. */
  readonly requests: number;
  readonly puts: number;
  readonly gets: number;
  /** `/JSSResource` calls received and not yet answered (or abandoned). */
  readonly inFlight: number;
  /** Highest `inFlight` seen. */
  readonly peakConcurrency: number;
  /** TCP connections accepted (keep-alive reuse does not count again). */
  readonly connectionsOpened: number;
  /** `/JSSResource` request bodies read (PUTs). */
  readonly bodiesReceived: number;
  /** `/JSSResource` calls that carried the `jpro-ingress` cookie this simulator handed out. */
  readonly stickyCookieSeen: number;
}

/** One `/JSSResource` request with a body (PUT), as received. */
export interface ReceivedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string without `?` (`''` when none). */
  query: string;
  /** Raw body, decoded as UTF-8. */
  body: string;
  headers: IncomingHttpHeaders;
}

/** A running Jamf Pro simulator on loopback. */
export interface JamfSimulator {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The sticky-session cookie PUTs hand out, as a `Cookie` header value: `jpro-ingress=<node id>`. */
  readonly stickyCookie: string;
  /** Closes the server and every open connection (hung requests included). Safe to call twice. */
  close(): Promise<void>;
  readonly users: SimulatorUserStore;
  /** The faults its requests consult (benchmarks may wrap `take`). */
  readonly faults: SimulatorFaults;
  /** Live counters (the same object changes as requests arrive). */
  readonly counters: SimulatorCounters;
  /** The last 100 `/JSSResource` requests with a body (PUTs), oldest first. Emptied by `resetCounters()`. */
  readonly received: readonly ReceivedRequest[];
  resetCounters(): void;
  /** Every token issued so far stops working (401 `INVALID_TOKEN`). */
  expireAllTokens(): void;
  /**
   * The bearer tokens issued so far (the last 1000, valid or not), oldest first, with the flow that
   * issued them (`oauth`: `/api/oauth/token`; `user`: `/api/v1/auth/token` or keep-alive). Read-only
   * copies, for tests that check tokens never leak into logs or answers.
   */
  issuedTokens(): Array<{ token: string; kind: 'oauth' | 'user'; expiresAt: number }>;
}

/** The name test/scale still imports, from when a simulator could also run in a worker thread: the same as {@link JamfSimulator}. */
export type LocalJamfSimulator = JamfSimulator;
