import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import { ApiError, RemoteError } from '../../errors';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { backoffMs, isConnectionError, MAX_ATTEMPTS, retryAfterMs, RETRYABLE_STATUSES } from './retry-policy';
import { parseStatusPage } from './status-page';
import { TokenProvider } from './token-provider';
import type { JamfContext, JamfUserEnvelope, JamfUsersConnector, JamfUserStream } from './types';

export const DEFAULTS = { timeout_ms: 30_000, max_concurrency: 5, max_queue: 1000 } as const;
/** The most of a Jamf body kept in an error's `raw_response`. */
const MAX_RAW_RESPONSE = 1 << 20;
/** Jamf error statuses passed on to the caller as they are; other 4xx and all 5xx become 502. */
const PASSED_ON = new Set([400, 401, 403, 404, 409]);
/** undici's own timeouts: the answer did not come in time (504), like the deadline. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

type JamfResponse = Dispatcher.ResponseData;

/** A deadline for one Jamf call: aborts its signal after `ms`, unless cleared first. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  constructor(readonly ms: number) {
    this.timer = setTimeout(() => this.controller.abort(new Error(`deadline of ${ms} ms`)), ms);
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  /** Milliseconds left before it passes. */
  remaining(): number {
    return this.ms - (Date.now() - this.startedAt);
  }
  clear(): void {
    clearTimeout(this.timer);
  }
}

/**
 * The HTTP connection of one integrated account to its Jamf Pro instance: bearer tokens (cached,
 * renewed, shared), a keep-alive pool of at most `max_concurrency` connections, a bounded queue in
 * front of it, a deadline on every call, retries of connection failures and 502/503/504 with backoff,
 * the sticky-session cookie of the PUT sent on the GET, and Jamf's HTML error pages translated into
 * remote errors.
 */
export class JamfConnector implements JamfUsersConnector {
  private readonly pool: Pool;
  private readonly limiter: ConcurrencyLimiter;
  private readonly tokens: TokenProvider;
  private readonly timeoutMs: number;
  private readonly basePath: string;
  private readonly origin: string;

  constructor(context: JamfContext, readonly accountId: string) {
    const url = new URL(context.instance_url);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = context.timeout_ms ?? DEFAULTS.timeout_ms;
    const connections = context.max_concurrency ?? DEFAULTS.max_concurrency;
    this.pool = new Pool(this.origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: { timeout: Math.min(this.timeoutMs, 10_000) },
    });
    this.limiter = new ConcurrencyLimiter(connections, context.max_queue ?? DEFAULTS.max_queue, `Jamf instance ${this.origin}`);
    this.tokens = new TokenProvider(context.auth, (request) => this.fetchToken(request), accountId);
  }

  async updateUser(id: string, xml: string, query: string): Promise<JamfUserEnvelope> {
    const { res, deadline } = await this.writeThenRead(id, xml, query, 'application/json');
    try {
      return parseUserJson(await this.readText(res, deadline, 'GET'));
    } finally {
      deadline.clear();
      this.limiter.release();
    }
  }

  async updateUserStream(id: string, xml: string, query: string): Promise<JamfUserStream> {
    const { res, deadline } = await this.writeThenRead(id, xml, query, 'application/xml');
    // The answer has begun: from here its body is bounded by the idle timeout between chunks, not the call's deadline.
    deadline.clear();
    res.body.once('close', () => this.limiter.release());
    const type = res.headers['content-type'];
    return { contentType: (Array.isArray(type) ? type[0] : type) ?? 'application/xml', body: res.body };
  }

  /**
   * One update: a slot among the `max_concurrency`, the PUT, then the GET of the user (as `accept`) with
   * the PUT's sticky-session cookie. Answers Jamf's 2xx GET answer, its body unread and its deadline
   * running, holding the slot: the caller clears the deadline and releases the slot. On failure both are done here.
   */
  private async writeThenRead(id: string, xml: string, query: string, accept: string): Promise<{ res: JamfResponse; deadline: Deadline }> {
    const putDeadline = new Deadline(this.timeoutMs);
    await this.acquireSlot(putDeadline);
    try {
      const cookie = await this.put(id, xml, query, putDeadline);
      const deadline = new Deadline(this.timeoutMs);
      try {
        const res = await this.call('GET', this.userPath(id), { accept, ...cookie }, undefined, deadline);
        if (res.statusCode < 200 || res.statusCode >= 300) throw this.statusError(res.statusCode, await this.readText(res, deadline, 'GET'));
        return { res, deadline };
      } catch (err) {
        deadline.clear();
        throw err;
      }
    } catch (err) {
      this.limiter.release();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private userPath(id: string): string {
    return `${this.basePath}/JSSResource/users/id/${encodeURIComponent(id)}`;
  }

  /**
   * A slot among the `max_concurrency` (waiting in the bounded queue); a full queue is refused at once
   * (503 with `Retry-After`), and waiting past the deadline is a 504. On failure the deadline is cleared.
   */
  private async acquireSlot(deadline: Deadline): Promise<void> {
    try {
      await this.limiter.acquire(deadline.signal);
    } catch (err) {
      deadline.clear();
      if (err instanceof ApiError) throw err;
      throw new RemoteError(504,
        `Jamf did not answer in time: the update waited ${deadline.ms} ms (timeout_ms of integrated account ${this.accountId}) for one of the ${this.limiter.max} connections to Jamf, all busy with slow answers.`,
        null, { cause: err });
    }
  }

  /** The PUT of the `<user>` body; answers the sticky-session cookie(s) Jamf set, as a `cookie` header. */
  private async put(id: string, xml: string, query: string, deadline: Deadline): Promise<{ cookie?: string }> {
    try {
      const path = query === '' ? this.userPath(id) : `${this.userPath(id)}?${query}`;
      const res = await this.call('PUT', path, { 'content-type': 'application/xml', accept: 'application/xml' }, xml, deadline);
      const text = await this.readText(res, deadline, 'PUT');
      if (res.statusCode < 200 || res.statusCode >= 300) throw this.statusError(res.statusCode, text);
      return stickyCookie(res.headers['set-cookie']);
    } finally {
      deadline.clear();
    }
  }

  /**
   * One Jamf API call with a bearer token: a 401 gets a new token and one more try; otherwise as
   * {@link retrying}, the renewed try not counted among its attempts.
   */
  private async call(method: 'GET' | 'PUT', path: string, headers: Record<string, string>, body: string | undefined, deadline: Deadline): Promise<JamfResponse> {
    let token = '';
    let renewedToken = false;
    return this.retrying(deadline, method, async () => {
      token = await this.tokens.token(deadline.signal);
      return this.pool.request({ method, path, headers: { ...headers, authorization: `Bearer ${token}` }, body, signal: deadline.signal });
    }, async (res) => {
      if (res.statusCode !== 401 || renewedToken) return false;
      this.tokens.invalidate(token);
      renewedToken = true;
      return true;
    });
  }

  /**
   * Sends with `send` until an answer is final: connection failures and 502/503/504 are tried again with
   * backoff (honouring `Retry-After`), 3 attempts in all, within the deadline (a retry that could not
   * start before the deadline is not waited for). `again(res)` may ask for one more try at once that
   * does not count as an attempt (a token renewed after a 401).
   */
  private async retrying(deadline: Deadline, what: string, send: () => Promise<JamfResponse>, again?: (res: JamfResponse) => Promise<boolean>): Promise<JamfResponse> {
    for (let attempt = 1; ; attempt++) {
      let res: JamfResponse;
      try {
        res = await send();
      } catch (err) {
        if (err instanceof ApiError) throw err;
        if (!deadline.signal.aborted && isConnectionError(err) && attempt < MAX_ATTEMPTS) {
          const wait = backoffMs(attempt, undefined);
          if (wait < deadline.remaining()) {
            await this.pause(wait, deadline, what);
            continue;
          }
        }
        throw this.failure(err, deadline, what);
      }
      if (again && (await again(res))) {
        await this.discard(res);
        attempt--;
        continue;
      }
      if (RETRYABLE_STATUSES.has(res.statusCode) && attempt < MAX_ATTEMPTS) {
        const wait = backoffMs(attempt, retryAfterMs(res.headers['retry-after']));
        if (wait < deadline.remaining()) {
          await this.discard(res);
          await this.pause(wait, deadline, what);
          continue;
        }
      }
      return res;
    }
  }

  /** Drops an answer's body (a status page) so its connection can serve the next request. */
  private async discard(res: JamfResponse): Promise<void> {
    try {
      await res.body.dump();
    } catch {
      // The connection is gone; the pool opens another.
    }
  }

  private async pause(ms: number, deadline: Deadline, method: string): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: deadline.signal });
    } catch (err) {
      throw this.failure(err, deadline, method);
    }
  }

  private async readText(res: JamfResponse, deadline: Deadline, method: string): Promise<string> {
    try {
      return await res.body.text();
    } catch (err) {
      throw this.failure(err, deadline, method);
    }
  }

  /** A thrown request failure as a remote error: 504 when the deadline passed, else 502. */
  private failure(err: unknown, deadline: Deadline, method: string): unknown {
    if (err instanceof ApiError) return err;
    const code = (err as { code?: unknown } | null)?.code;
    if (deadline.signal.aborted || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
      return new RemoteError(504, `Jamf did not answer the ${method} within ${deadline.ms} ms (timeout_ms of integrated account ${this.accountId}).`, null, { cause: err });
    }
    const what = typeof code === 'string' ? code : (err as Error | null)?.message ?? 'unknown error';
    return new RemoteError(502, `The connection to Jamf at ${this.origin} failed during the ${method}: ${what}.`, null, { cause: err });
  }

  /** A Jamf error answer as a remote error, with Jamf's message and body. */
  private statusError(status: number, text: string): RemoteError {
    const page = parseStatusPage(text);
    const raw = text.length > MAX_RAW_RESPONSE ? text.slice(0, MAX_RAW_RESPONSE) : text;
    const jamfSays = page.message ?? page.reason ?? `status ${status}`;
    if (PASSED_ON.has(status)) return new RemoteError(status, jamfSays, raw);
    return new RemoteError(502, `Jamf answered ${status}: ${jamfSays}`, raw);
  }

  /**
   * The token request, through the same pool, with a deadline of its own (one `timeout_ms`: callers
   * waiting on it give up on their own deadlines) and the same retries; failures become remote errors.
   */
  private async fetchToken(request: { path: string; headers: Record<string, string>; body?: string }): Promise<{ statusCode: number; text: string }> {
    const deadline = new Deadline(this.timeoutMs);
    const what = 'token request';
    try {
      const res = await this.retrying(deadline, what, () =>
        this.pool.request({ method: 'POST', path: `${this.basePath}${request.path}`, headers: request.headers, body: request.body ?? '', signal: deadline.signal }));
      return { statusCode: res.statusCode, text: await this.readText(res, deadline, what) };
    } finally {
      deadline.clear();
    }
  }
}

/** The `cookie` header that carries the cookies Jamf set (`jpro-ingress`, `APBALANCEID`) to the next call. */
export function stickyCookie(setCookie: string | string[] | undefined): { cookie?: string } {
  if (setCookie === undefined) return {};
  const pairs = (Array.isArray(setCookie) ? setCookie : [setCookie])
    .map((c) => c.split(';', 1)[0]?.trim() ?? '')
    .filter((pair) => /^[^=\s]+=/.test(pair));
  return pairs.length === 0 ? {} : { cookie: pairs.join('; ') };
}

/** Jamf's JSON of a user, `{"user": {...}}`; anything else is an unreadable answer (502 with the text). */
export function parseUserJson(text: string): JamfUserEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RemoteError(502, 'Jamf answered the GET of the user with a body that is not valid JSON.', text.slice(0, MAX_RAW_RESPONSE));
  }
  const user = (parsed as { user?: unknown } | null)?.user;
  if (typeof user !== 'object' || user === null || Array.isArray(user)) {
    throw new RemoteError(502, 'Jamf answered the GET of the user with JSON that holds no "user" object.', parsed);
  }
  return parsed as JamfUserEnvelope;
}
