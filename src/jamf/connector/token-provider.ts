import { JamfCredentialsError, JamfResponseError } from '../../errors';
import { notify } from './events';
import { forwardableHeaders, outcomeOf, statusError, type RawHeaders } from './jamf-errors';
import type { ConnectorEvents, JamfAuth } from './types';

/** A bearer token and when it stops working (epoch ms). */
export interface Token {
  value: string;
  expiresAt: number;
  renewAt: number;
  /** Fetched because Jamf refused the token before it with a 401: a 401 with this one is final. */
  afterRefusal?: boolean;
}

/** Jamf's answer to a token request. */
export interface TokenAnswer {
  statusCode: number;
  text: string;
  headers?: RawHeaders;
}

/**
 * How the token provider reaches Jamf (the connector's request, with its own deadline and connection
 * retries). It answers Jamf's status, body and headers, or throws a {@link RemoteError}.
 */
export type TokenRequest = (options: TokenRequestOptions) => Promise<TokenAnswer>;

/** The token request of an account: its endpoint, headers and form. */
export interface TokenRequestOptions {
  path: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
}

/**
 * The token request of `auth`, the same for the account's whole life: OAuth client credentials in the form
 * (`POST /api/oauth/token`), or a user account in the Basic header (`POST /api/v1/auth/token`).
 */
function tokenRequestOf(auth: JamfAuth): TokenRequestOptions {
  if (auth.type === 'client_credentials') {
    return {
      path: '/api/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: auth.client_id, client_secret: auth.client_secret }).toString(),
    };
  }
  return {
    path: '/api/v1/auth/token',
    headers: { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`, accept: 'application/json' },
  };
}

/** Statuses of the token endpoints that mean the credentials were refused. */
const REJECTED = new Set([400, 401, 403]);

/** Waits for `promise`, or rejects with the signal's reason as soon as `signal` aborts (the promise runs on). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (err: unknown) => { signal.removeEventListener('abort', onAbort); reject(err); },
    );
  });
}

/**
 * Jamf Pro bearer tokens for one account: fetched with OAuth client credentials
 * (`POST /api/oauth/token`) or a user account (`POST /api/v1/auth/token` with Basic), cached,
 * renewed shortly before expiry, and shared: concurrent callers wait on one token request. That request
 * has its own deadline (the connector's), so one caller giving up does not fail the others waiting on it.
 */
export class TokenProvider {
  private current: Token | undefined;
  private pending: Promise<Token> | undefined;
  /** A 401 refused the token in use: the next token fetched answers that refusal. */
  private renewingAfterRefusal = false;
  private readonly now: () => number;
  private readonly events: ConnectorEvents;
  private readonly tokenRequest: TokenRequestOptions;

  constructor(
    private readonly auth: JamfAuth,
    private readonly request: TokenRequest,
    private readonly accountLabel: string,
    options: { now?: () => number; events?: ConnectorEvents } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.events = options.events ?? {};
    this.tokenRequest = tokenRequestOf(auth);
  }

  /** A token valid for now, fetching one if none is cached or the cached one is due for renewal. `signal` ends only this caller's wait. */
  async token(signal: AbortSignal): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) return this.current.value;
    this.pending ??= this.fetchAndTell().then(
      (token) => {
        if (this.renewingAfterRefusal) token.afterRefusal = true;
        this.renewingAfterRefusal = false;
        this.current = token;
        this.pending = undefined;
        return token;
      },
      (err: unknown) => { this.pending = undefined; throw err; },
    );
    try {
      return (await untilAborted(this.pending, signal)).value;
    } catch (err) {
      // A renewal that failed (Jamf busy, say) while the token in hand still works: keep using it.
      if (!signal.aborted && this.current && this.now() < this.current.expiresAt) return this.current.value;
      throw err;
    }
  }

  /**
   * Called when Jamf refused `rejected` with a 401; answers whether to try again with a new token. The
   * token in use is forgotten (once, however many callers saw it refused) and the next one fetched is
   * marked as fetched after a refusal; a 401 with such a token is final (`false`): Jamf's Classic API
   * answers 401 also to an account without the privilege, which a new token does not cure.
   */
  refused(rejected: string): boolean {
    const current = this.current;
    if (current?.value !== rejected) return true; // already renewed (or renewing): try with that one
    if (current.afterRefusal === true) return false;
    this.current = undefined;
    this.renewingAfterRefusal = true;
    return true;
  }

  /** {@link fetch}, told to the `tokenRequest` observer. */
  private async fetchAndTell(): Promise<Token> {
    try {
      const token = await this.fetch();
      notify(this.events, 'tokenRequest', { outcome: 'ok' });
      return token;
    } catch (err) {
      notify(this.events, 'tokenRequest', { outcome: err instanceof JamfCredentialsError ? 'rejected' : outcomeOf(err) });
      throw err;
    }
  }

  private async fetch(): Promise<Token> {
    const started = this.now();
    const answer = await this.request(this.tokenRequest);
    const headers = answer.headers ?? {};
    if (REJECTED.has(answer.statusCode)) {
      throw new JamfCredentialsError(401,
        `Jamf rejected the credentials of integrated account ${this.accountLabel} (${this.auth.type === 'basic' ? 'user account' : 'API client'}); check them in the accounts file.`,
        this.withoutSecrets(answer.text), forwardableHeaders(headers));
    }
    if (answer.statusCode < 200 || answer.statusCode >= 300) {
      throw statusError(answer.statusCode, this.withoutSecrets(answer.text), headers, 'token request', this.accountLabel);
    }
    return parseToken(answer.text, started, this.accountLabel);
  }

  /** Jamf's error body, with the account's secret blanked should Jamf ever echo it. */
  private withoutSecrets(text: string): string {
    const secret = this.auth.type === 'basic' ? this.auth.password : this.auth.client_secret;
    return secret === '' ? text : text.split(secret).join('[redacted]');
  }
}

/** Reads either token answer: `{access_token, expires_in}` (OAuth) or `{token, expires}` (user account). */
export function parseToken(text: string, obtainedAt: number, accountLabel: string): Token {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = {};
  }
  if (typeof body !== 'object' || body === null) body = {};
  const value = typeof body.access_token === 'string' ? body.access_token : typeof body.token === 'string' ? body.token : undefined;
  let expiresAt = Number.NaN;
  if (typeof body.expires_in === 'number') expiresAt = obtainedAt + body.expires_in * 1000;
  else if (typeof body.expires === 'string') expiresAt = Date.parse(body.expires);
  if (!value || Number.isNaN(expiresAt)) {
    throw new JamfResponseError(`Jamf's token answer for integrated account ${accountLabel} holds no token or expiry.`, '(token answer withheld: it may hold a secret)');
  }
  const lifetime = Math.max(0, expiresAt - obtainedAt);
  return { value, expiresAt, renewAt: expiresAt - Math.min(60_000, lifetime / 5) };
}
