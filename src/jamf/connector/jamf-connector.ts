import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import { RemoteError } from '../../errors';
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

type JamfResponse = Dispatcher.ResponseData;

/** A deadline for one Jamf call: aborts its signal after `ms`, unless cleared first. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  constructor(readonly ms: number) {
    this.timer = setTimeout(() => this.controller.abort(new Error(`deadline of ${ms} ms`)), ms);
  }
  get signal(): AbortSignal {
    return this.controller.signal;
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
    this.tokens = new TokenProvider(context.auth, (request, signal) => this.fetchToken(request, signal), accountId);
  }

  async updateUser(id: string, xml: string, query: string): Promise<JamfUserEnvelope> {
    const putDeadline = new Deadline(this.timeoutMs);
    await this.limiter.acquire(putDeadline.signal).catch((err: unknown) => { putDeadline.clear(); throw this.failure(err, putDeadline, 'PUT'); });
    try {
      const cookie = await this.put(id, xml, query, putDeadline);
      const deadline = new Deadline(this.timeoutMs);
      try {
        const res = await this.call('GET', this.userPath(id), { accept: 'application/json', ...cookie }, undefined, deadline);
        const text = await this.readText(res, deadline, 'GET');
        if (res.statusCode < 200 || res.statusCode >= 300) throw this.statusError(res.statusCode, text);
        return parseUserJson(text);
      } finally {
        deadline.clear();
      }
    } finally {
      this.limiter.release();
    }
  }

  async updateUserStream(id: string, xml: string, query: string): Promise<JamfUserStream> {
    const putDeadline = new Deadline(this.timeoutMs);
    await this.limiter.acquire(putDeadline.signal).catch((err: unknown) => { putDeadline.clear(); throw this.failure(err, putDeadline, 'PUT'); });
    let released = false;
    const release = (): void => {
      if (!released) { released = true; this.limiter.release(); }
    };
    try {
      const cookie = await this.put(id, xml, query, putDeadline);
      const deadline = new Deadline(this.timeoutMs);
      const res = await this.call('GET', this.userPath(id), { accept: 'application/xml', ...cookie }, undefined, deadline);
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const text = await this.readText(res, deadline, 'GET').finally(() => deadline.clear());
        throw this.statusError(res.statusCode, text);
      }
      // The answer has begun: from here its body is bounded by the idle timeout between chunks, not the call's deadline.
      deadline.clear();
      res.body.once('close', release);
      const type = res.headers['content-type'];
      return { contentType: (Array.isArray(type) ? type[0] : type) ?? 'application/xml', body: res.body };
    } catch (err) {
      release();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private userPath(id: string): string {
    return `${this.basePath}/JSSResource/users/id/${encodeURIComponent(id)}`;
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
   * One Jamf API call with a bearer token: a 401 gets a new token and one more try; connection
   * failures and 502/503/504 are tried again with backoff (honouring `Retry-After`), 3 attempts in all,
   * within the call's deadline.
   */
  private async call(method: 'GET' | 'PUT', path: string, headers: Record<string, string>, body: string | undefined, deadline: Deadline): Promise<JamfResponse> {
    let renewedToken = false;
    for (let attempt = 1; ; attempt++) {
      let res: JamfResponse;
      let token: string;
      try {
        token = await this.tokens.token(deadline.signal);
        res = await this.pool.request({ method, path, headers: { ...headers, authorization: `Bearer ${token}` }, body, signal: deadline.signal });
      } catch (err) {
        if (err instanceof RemoteError) throw err;
        if (!deadline.signal.aborted && isConnectionError(err) && attempt < MAX_ATTEMPTS) {
          await this.pause(backoffMs(attempt, undefined), deadline, method);
          continue;
        }
        throw this.failure(err, deadline, method);
      }
      if (res.statusCode === 401 && !renewedToken) {
        await res.body.dump();
        this.tokens.invalidate(token);
        renewedToken = true;
        attempt--;
        continue;
      }
      if (RETRYABLE_STATUSES.has(res.statusCode) && attempt < MAX_ATTEMPTS) {
        const wait = backoffMs(attempt, retryAfterMs(res.headers['retry-after']));
        if (wait < this.timeoutMs) {
          await res.body.dump();
          await this.pause(wait, deadline, method);
          continue;
        }
      }
      return res;
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
    if (err instanceof RemoteError) return err;
    if (deadline.signal.aborted) {
      return new RemoteError(504, `Jamf did not answer the ${method} within ${deadline.ms} ms (timeout_ms of integrated account ${this.accountId}).`, null, { cause: err });
    }
    const code = (err as { code?: unknown } | null)?.code;
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

  /** The token request, through the same pool, with the same deadline and connection retries. */
  private async fetchToken(request: { path: string; headers: Record<string, string>; body?: string }, signal: AbortSignal): Promise<{ statusCode: number; text: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.pool.request({ method: 'POST', path: `${this.basePath}${request.path}`, headers: request.headers, body: request.body ?? '', signal });
        const text = await res.body.text();
        if (RETRYABLE_STATUSES.has(res.statusCode) && attempt < MAX_ATTEMPTS) {
          await sleep(backoffMs(attempt, retryAfterMs(res.headers['retry-after'])), undefined, { signal });
          continue;
        }
        return { statusCode: res.statusCode, text };
      } catch (err) {
        if (!signal.aborted && isConnectionError(err) && attempt < MAX_ATTEMPTS) {
          await sleep(backoffMs(attempt, undefined), undefined, { signal });
          continue;
        }
        throw err;
      }
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
