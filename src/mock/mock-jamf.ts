import type { JamfSimulator, ReceivedRequest, SimulatorCounters, SimulatorUser } from '../jamf/simulator/types';

/** A Jamf Pro user as simulated Jamf stores it: Jamf's JSON of `GET /JSSResource/users/id/{id}` without the `user` wrapper. */
export type JamfUser = SimulatorUser;
/** A write the server sent to Jamf (`PUT /JSSResource/users/id/{id}`): path, raw query, XML body, headers (without `authorization`). */
export type JamfWrite = ReceivedRequest;
/** How often the server called Jamf since start or `reset()`. */
export type JamfCounters = SimulatorCounters;

/** Options of an injected Jamf error. */
export interface JamfFailOptions {
  /** How many Jamf calls fail; default 1. */
  times?: number;
  /** Jamf's `Retry-After` (seconds or an HTTP date), e.g. with 503. */
  retryAfter?: number | string;
  /** The message of Jamf's HTML status page; default the status's standard one. */
  message?: string;
}

/** The simulated Jamf Pro behind a mock server: its users, what it was sent, and faults on demand. */
export interface MockJamf {
  /** The simulator's base URL (it speaks Jamf's Classic API and token endpoints). */
  readonly url: string;
  /** Adds the user, or replaces the one with the same `id`; answers the stored copy. Throws when another user has its `name`. */
  seedUser(user: JamfUser): JamfUser;
  /** The user as simulated Jamf stores it now (a copy), or `undefined`. */
  storedUser(id: number | string): JamfUser | undefined;
  /** Every stored user, by ascending id. */
  users(): JamfUser[];
  /** The last 100 writes the server sent to Jamf, oldest first (emptied by `reset()`). */
  writes(): JamfWrite[];
  /** A snapshot of the call counters. */
  counters(): JamfCounters;
  /** The next `times` Jamf calls answer `status` (an HTML status page, as Jamf's) and are not carried out. */
  fail(status: number, options?: JamfFailOptions): void;
  /** The next `times` Jamf calls get their connection reset without an answer. */
  resetConnections(times?: number): void;
  /** Every Jamf call waits `ms` before it is answered (0 stops it). */
  delay(ms: number): void;
  /** Jamf's `GET` of this user answers a body of about `bytes` bytes, `field` padded with `x` (default `position`), streamed. */
  largeBody(userId: number | string, bytes: number, field?: string): void;
  /** Clears every fault, puts the users back as they were at start and empties `writes()` and the counters. */
  reset(): void;
}

/** A Jamf user id as a number: the API's string form (`'23423523'`) or a number. */
export function jamfId(id: number | string): number {
  const n = typeof id === 'number' ? id : /^[0-9]{1,15}$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`A Jamf user id is a whole number such as 23423523 (or '23423523'); got ${JSON.stringify(id)}.`);
  return n;
}

/** The controls of a mock server's simulator; `initial` are the users `reset()` restores. */
export function mockJamf(simulator: JamfSimulator, initial: readonly JamfUser[]): MockJamf {
  const { users, faults } = simulator;
  return {
    url: simulator.url,
    seedUser(user) {
      users.set(user);
      return users.get(user.id) as JamfUser;
    },
    storedUser: (id) => users.get(jamfId(id)),
    users: () => users.list(),
    writes: () => simulator.received.map((write) => {
      const { authorization: _secret, ...headers } = write.headers;
      return structuredClone({ ...write, headers });
    }),
    counters: () => ({ ...simulator.counters }),
    fail(status, options = {}) {
      const { times = 1, ...page } = options;
      faults.failNext(times, status, page);
    },
    resetConnections: (times = 1) => faults.resetNext(times),
    delay(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delay takes milliseconds ≥ 0; got ${ms}`);
      faults.delayMs = ms;
    },
    largeBody(userId, bytes, field) {
      if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`largeBody takes a size in bytes; got ${bytes}`);
      faults.largeField = { userId: jamfId(userId), bytes, ...(field ? { field } : {}) };
    },
    reset() {
      faults.reset();
      for (const user of users.list()) users.delete(user.id);
      for (const user of initial) users.set(user);
      simulator.resetCounters();
    },
  };
}
