import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { Deadline } from './deadline';
import { notify, type EventOf } from './events';
import { callFailure, failureOutcome, statusError, type Where } from './jamf-errors';
import { isSuccess, readText, type JamfResponse } from './response';
import { retrying } from './retrying';
import type { ConnectorSettings } from './settings';
import { TokenProvider, type TokenAnswer, type TokenRequestOptions } from './token-provider';
import type { ConnectorEvents, JamfAuth, JamfOperation } from './types';

/** One HTTP request to Jamf, its path relative to the instance URL and without the query string. */
interface Exchange {
  operation: JamfOperation;
  method: 'POST' | 'PUT' | 'GET';
  path: string;
  /** Raw query string without `?` (`''` for none). */
  query?: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
}

/** A Classic API call made with the account's bearer token. */
export interface BearerCall extends Exchange {
  operation: 'put' | 'get';
  method: 'PUT' | 'GET';
}

/**
 * The HTTP exchanges of one account with its Jamf instance, over one dispatcher: token requests (shared
 * through a {@link TokenProvider}) and Classic API calls with its bearer token, each within a deadline,
 * retried by {@link retrying}, and each HTTP attempt told to the `call` observer.
 */
export class JamfHttp {
  readonly tokens: TokenProvider;
  /** The account and its Jamf origin, as failures name them. */
  readonly where: Where;
  /** The `retry` observer's call for each operation, made once. */
  private readonly tellRetry: Readonly<Record<JamfOperation, () => void>>;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly settings: ConnectorSettings,
    accountId: string,
    auth: JamfAuth,
    private readonly events: ConnectorEvents = {},
  ) {
    this.where = { accountId, origin: settings.origin };
    this.tokens = new TokenProvider(auth, (request) => this.tokenRequest(request), accountId, { events });
    const tell = (operation: JamfOperation) => (): void => notify(events, 'retry', { operation });
    this.tellRetry = { token: tell('token'), put: tell('put'), get: tell('get') };
  }

  /**
   * One Classic API call within `deadline`: answers Jamf's 2xx answer, its body unread. A 401 gets a
   * new token and one more try, unless the token in hand was itself fetched after a 401; Jamf's other
   * error answers (and a final 401) are thrown as {@link statusError}s, failures as remote errors.
   */
  async bearerCall(call: BearerCall, deadline: Deadline): Promise<JamfResponse> {
    const failure = (err: unknown): unknown => callFailure(err, call.method, deadline, this.where);
    let token = '';
    let renewed = false;
    let attempt = 0;
    const res = await retrying(async () => {
      token = await this.bearer(deadline);
      return this.send({ ...call, headers: { ...call.headers, authorization: `Bearer ${token}` } }, deadline, ++attempt);
    }, {
      deadline,
      failure,
      onRetry: this.tellRetry[call.operation],
      again: (answer) => {
        if (answer.statusCode !== 401 || renewed) return false;
        renewed = true;
        return this.tokens.refused(token);
      },
    });
    if (isSuccess(res)) return res;
    throw statusError(res.statusCode, await readText(res, failure), res.headers, call.method, this.where.accountId);
  }

  /** The body of Jamf's answer to `call` as text; a failure while reading it becomes the remote error naming `call`. */
  readText(res: JamfResponse, call: 'PUT' | 'GET', deadline: Deadline): Promise<string> {
    return readText(res, (err) => callFailure(err, call, deadline, this.where));
  }

  /** A token for a call; waiting past the call's deadline is a 504 that names the token request. */
  private async bearer(deadline: Deadline): Promise<string> {
    try {
      return await this.tokens.token(deadline.signal);
    } catch (err) {
      throw callFailure(err, 'token request', deadline, this.where);
    }
  }

  /**
   * A token request, with a deadline of its own (one `timeout_ms`: callers waiting on it give up on
   * their own deadlines) and the same retries; failures become remote errors naming the token request.
   */
  private async tokenRequest(request: TokenRequestOptions): Promise<TokenAnswer> {
    const deadline = new Deadline(this.settings.timeoutMs);
    const failure = (err: unknown): unknown => callFailure(err, 'token request', deadline, this.where);
    let attempt = 0;
    try {
      const exchange: Exchange = { operation: 'token', method: 'POST', path: request.path, headers: request.headers, body: request.body ?? '' };
      const res = await retrying(() => this.send(exchange, deadline, ++attempt), {
        deadline,
        failure,
        onRetry: this.tellRetry.token,
      });
      return { statusCode: res.statusCode, text: await readText(res, failure), headers: res.headers };
    } finally {
      deadline.clear();
    }
  }

  /** One HTTP attempt, told to the `call` observer when its answer's head came or it failed. */
  private async send(exchange: Exchange, deadline: Deadline, attempt: number): Promise<JamfResponse> {
    const path = `${this.settings.basePath}${exchange.path}`;
    const started = performance.now();
    const told = (fields: Pick<EventOf<'call'>, 'outcome' | 'status'>): void => notify(this.events, 'call', {
      operation: exchange.operation, method: exchange.method, path, ...fields, ms: performance.now() - started, attempt,
    });
    try {
      const res = await this.dispatcher.request({
        origin: this.settings.origin,
        method: exchange.method,
        path: exchange.query ? `${path}?${exchange.query}` : path,
        headers: exchange.headers,
        body: exchange.body,
        signal: deadline.signal,
      });
      told({ status: res.statusCode, outcome: res.statusCode >= 400 ? 'remote_error' : 'ok' });
      return res;
    } catch (err) {
      told({ outcome: failureOutcome(err, deadline) });
      throw err;
    }
  }
}
