import { Pool } from 'undici';
import { ApiError } from '../../errors';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { Deadline } from './deadline';
import { queueTimeout } from './jamf-errors';
import { JamfHttp } from './jamf-http';
import { poolOptionsOf } from './pool-options';
import { bodyClosed, contentTypeOf, parseUserJson, stickyCookie, type JamfResponse } from './response';
import { connectorSettings, type ConnectorSettings } from './settings';
import type { JamfConnectorOptions, JamfContext, JamfUserEnvelope, JamfUsersConnector, JamfUserStream, SlotLimiter } from './types';

/** The headers of every PUT of a user (the bearer token is added to a copy). */
const PUT_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/xml', accept: 'application/xml' };

/** A promise with its resolve and reject at hand (Node 20 has no `Promise.withResolvers`). */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/**
 * The HTTP connection of one integrated account to its Jamf Pro instance: bearer tokens (cached,
 * renewed, shared), at most `max_concurrency` calls in flight through a {@link SlotLimiter} (a slot is
 * held only inside `limiter.run`), a deadline on every call, retries of connection failures and
 * 502/503/504 with backoff, the sticky-session cookie of the PUT sent on the GET, and Jamf's answers
 * and failures translated into remote errors.
 */
export class JamfConnector implements JamfUsersConnector {
  private readonly settings: ConnectorSettings;
  private readonly limiter: SlotLimiter;
  private readonly http: JamfHttp;
  /** What this connector made itself, and so closes. */
  private readonly owned: Array<{ close(): Promise<unknown> }> = [];

  constructor(context: JamfContext, readonly accountId: string, options: JamfConnectorOptions = {}) {
    this.settings = connectorSettings(context);
    const dispatcher = options.dispatcher ?? this.own(new Pool(this.settings.origin, poolOptionsOf(this.settings)));
    this.limiter = options.limiter
      ?? this.own(new ConcurrencyLimiter(this.settings.maxConcurrency, this.settings.maxQueue, `Jamf instance ${this.settings.origin}`));
    this.http = new JamfHttp(dispatcher, this.settings, accountId, context.auth, options.events);
  }

  /** Calls running and waiting for a slot now (gauges). */
  load(): { running: number; waiting: number } {
    return this.limiter.load();
  }

  async updateUser(id: string, xml: string, query: string): Promise<JamfUserEnvelope> {
    return this.inSlot(new Deadline(this.settings.timeoutMs), async (putDeadline) => {
      const { res, deadline } = await this.writeThenRead(id, xml, query, 'application/json', putDeadline);
      try {
        return parseUserJson(await this.http.readText(res, 'GET', deadline));
      } finally {
        deadline.clear();
      }
    });
  }

  /**
   * The update with the user read back as Jamf's XML, streamed: answers once the GET's head came, while
   * the slot stays held (the task inside `limiter.run` ends) only when the caller has read the body to
   * its end, destroyed it, or it failed.
   */
  updateUserStream(id: string, xml: string, query: string): Promise<JamfUserStream> {
    const handedOut = deferred<JamfUserStream>();
    this.inSlot(new Deadline(this.settings.timeoutMs), async (putDeadline) => {
      const { res, deadline } = await this.writeThenRead(id, xml, query, 'application/xml', putDeadline);
      // The answer has begun: from here its body is bounded by the idle timeout between chunks, not the call's deadline.
      deadline.clear();
      const closed = bodyClosed(res);
      handedOut.resolve({ contentType: contentTypeOf(res, 'application/xml'), body: res.body });
      await closed;
    }).catch(handedOut.reject);
    return handedOut.promise;
  }

  /** Closes what the connector made (its Pool, its limiter); an injected dispatcher or limiter is left to its owner. */
  async close(): Promise<void> {
    await Promise.all(this.owned.map((thing) => thing.close()));
  }

  private own<T extends { close(): Promise<unknown> }>(thing: T): T {
    this.owned.push(thing);
    return thing;
  }

  /**
   * Runs `task` holding a slot, waiting in line for one until `deadline` passes (then 504); a full
   * queue is refused at once (the limiter's 503 with `Retry-After`). The deadline is cleared at the end.
   */
  private async inSlot<T>(deadline: Deadline, task: (deadline: Deadline) => Promise<T>): Promise<T> {
    let started = false;
    try {
      return await this.limiter.run(() => {
        started = true;
        return task(deadline);
      }, deadline.signal);
    } catch (err) {
      if (started || err instanceof ApiError) throw err;
      throw queueTimeout(deadline, this.limiter.max, this.http.where, err);
    } finally {
      deadline.clear();
    }
  }

  /**
   * The PUT, then the GET of the user (as `accept`) with the PUT's sticky-session cookie, on a deadline
   * of its own. Answers Jamf's 2xx GET answer, its body unread and its deadline running; on failure the
   * GET's deadline is cleared here.
   */
  private async writeThenRead(id: string, xml: string, query: string, accept: string, putDeadline: Deadline): Promise<{ res: JamfResponse; deadline: Deadline }> {
    const path = userPath(id);
    const cookie = await this.put(path, xml, query, putDeadline);
    const deadline = new Deadline(this.settings.timeoutMs);
    try {
      const res = await this.http.bearerCall({ operation: 'get', method: 'GET', path, headers: { accept, ...cookie } }, deadline);
      return { res, deadline };
    } catch (err) {
      deadline.clear();
      throw err;
    }
  }

  /** The PUT of the `<user>` body to the user's `path`; answers the sticky-session cookie(s) Jamf set, as a `cookie` header. */
  private async put(path: string, xml: string, query: string, deadline: Deadline): Promise<{ cookie?: string }> {
    try {
      const res = await this.http.bearerCall({ operation: 'put', method: 'PUT', path, query, headers: PUT_HEADERS, body: xml }, deadline);
      await this.http.readText(res, 'PUT', deadline);
      return stickyCookie(res.headers['set-cookie']);
    } finally {
      deadline.clear();
    }
  }
}

/** The Classic API path of a user, its id escaped. */
function userPath(id: string): string {
  return `/JSSResource/users/id/${encodeURIComponent(id)}`;
}
