import { RemoteError } from '../../errors';
import type { JamfAuth } from './types';

/** A bearer token and when it stops working (epoch ms). */
export interface Token {
  value: string;
  expiresAt: number;
  renewAt: number;
}

/**
 * How the token provider reaches Jamf (the connector's pooled request, with its own deadline and
 * connection retries). It answers Jamf's status and body, or throws a {@link RemoteError}.
 */
export type TokenRequest = (options: { path: string; headers: Record<string, string>; body?: string }) =>
  Promise<{ statusCode: number; text: string }>;

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

  constructor(
    private readonly auth: JamfAuth,
    private readonly request: TokenRequest,
    private readonly accountLabel: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token valid for now, fetching one if none is cached or the cached one is due for renewal. `signal` ends only this caller's wait. */
  async token(signal: AbortSignal): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) return this.current.value;
    this.pending ??= this.fetch().then(
      (token) => { this.current = token; this.pending = undefined; return token; },
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

  /** Called when Jamf refused `rejected` (401): forget it, so the next call fetches a new one (once, however many callers saw it refused). */
  invalidate(rejected: string): void {
    if (this.current?.value === rejected) this.current = undefined;
  }

  private async fetch(): Promise<Token> {
    const started = this.now();
    const answer = this.auth.type === 'client_credentials'
      ? await this.request({
          path: '/api/oauth/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.auth.client_id, client_secret: this.auth.client_secret }).toString(),
        })
      : await this.request({
          path: '/api/v1/auth/token',
          headers: { authorization: `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`, 'utf8').toString('base64')}`, accept: 'application/json' },
        });
    if (answer.statusCode === 400 || answer.statusCode === 401 || answer.statusCode === 403) {
      throw new RemoteError(401,
        `Jamf rejected the credentials of integrated account ${this.accountLabel} (${this.auth.type === 'basic' ? 'user account' : 'API client'}); check them in the accounts file.`,
        this.withoutSecrets(answer.text));
    }
    if (answer.statusCode < 200 || answer.statusCode >= 300) {
      throw new RemoteError(502, `Jamf answered ${answer.statusCode} to the token request of integrated account ${this.accountLabel}.`, this.withoutSecrets(answer.text));
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
    throw new RemoteError(502, `Jamf's token answer for integrated account ${accountLabel} holds no token or expiry.`, '(token answer withheld: it may hold a secret)');
  }
  const lifetime = Math.max(0, expiresAt - obtainedAt);
  return { value, expiresAt, renewAt: expiresAt - Math.min(60_000, lifetime / 5) };
}
