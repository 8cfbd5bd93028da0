import { randomBytes } from 'node:crypto';
import type { SimulatorCredentials } from './types';

/** Credentials a simulator accepts when none are given (also what main.ts uses without env). */
export const DEFAULT_CREDENTIALS: SimulatorCredentials = {
  clients: [{ client_id: 'sim-client', client_secret: 'sim-secret' }],
  users: [{ username: 'sim-admin', password: 'sim-password' }],
};

/** `expires_in` of an OAuth token when no TTL is configured (Jamf's API clients default to 20 minutes). */
export const DEFAULT_OAUTH_TTL_SECONDS = 1200;
/** Lifetime of a `/api/v1/auth/token` token when no TTL is configured (Jamf: 30 minutes). */
export const DEFAULT_USER_TTL_SECONDS = 1800;

export type TokenKind = 'oauth' | 'user';

export interface IssuedToken {
  token: string;
  kind: TokenKind;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Issued to an account without the Users privileges (set only then). */
  withoutUsersPrivileges?: true;
}

/** The outcome of checking an `Authorization` header on a `/JSSResource` or `/api` call. */
export type BearerCheck =
  | { state: 'valid'; token: IssuedToken }
  /** No bearer token at all (missing header, Basic auth). */
  | { state: 'missing' }
  /** A bearer token that is unknown, expired, invalidated or swept by `expireAllTokens()`. */
  | { state: 'invalid' };

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const BASIC = /^Basic\s+(\S+)\s*$/i;
const SWEEP_EVERY = 1024;
/** How many issued tokens {@link TokenRegistry.issued} remembers (for tests that look for leaked tokens). */
export const ISSUED_HISTORY_LIMIT = 1000;

/** Decodes `Authorization: Basic …` into its user and password, or `undefined`. */
export function parseBasicAuth(header: string | undefined): { username: string; password: string } | undefined {
  const match = header === undefined ? null : BASIC.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Issues and checks bearer tokens. Tokens are random and opaque, expire after their TTL on the real
 * clock, and all die at once with `expireAll()`.
 */
export class TokenRegistry {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly history: IssuedToken[] = [];
  private issuedSinceSweep = 0;

  constructor(
    private readonly credentials: SimulatorCredentials,
    private readonly ttlSeconds: Readonly<Record<TokenKind, number>>,
  ) {}

  /** The API client with this id and secret, or `undefined`. */
  client(clientId: string | null, clientSecret: string | null): SimulatorCredentials['clients'][number] | undefined {
    return this.credentials.clients.find((c) => c.client_id === clientId && c.client_secret === clientSecret);
  }

  /** The user account with this name and password, or `undefined`. */
  user(username: string, password: string): SimulatorCredentials['users'][number] | undefined {
    return this.credentials.users.find((u) => u.username === username && u.password === password);
  }

  ttlOf(kind: TokenKind): number {
    return this.ttlSeconds[kind];
  }

  issue(kind: TokenKind, usersPrivileges = true): IssuedToken {
    if (++this.issuedSinceSweep >= SWEEP_EVERY) this.sweep();
    const issued: IssuedToken = { token: randomBytes(32).toString('base64url'), kind, expiresAt: Date.now() + this.ttlSeconds[kind] * 1000 };
    if (!usersPrivileges) issued.withoutUsersPrivileges = true;
    this.tokens.set(issued.token, issued);
    this.history.push(issued);
    if (this.history.length > ISSUED_HISTORY_LIMIT) this.history.splice(0, this.history.length - ISSUED_HISTORY_LIMIT);
    return issued;
  }

  /** Every token issued (the last {@link ISSUED_HISTORY_LIMIT}), valid or not, oldest first; copies. */
  issued(): IssuedToken[] {
    return this.history.map((t) => ({ ...t }));
  }

  check(authorization: string | undefined): BearerCheck {
    const match = authorization === undefined ? null : BEARER.exec(authorization);
    if (match === null) return { state: 'missing' };
    const issued = this.tokens.get(match[1] as string);
    if (issued === undefined) return { state: 'invalid' };
    if (issued.expiresAt <= Date.now()) {
      this.tokens.delete(issued.token);
      return { state: 'invalid' };
    }
    return { state: 'valid', token: issued };
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  expireAll(): void {
    this.tokens.clear();
  }

  private sweep(): void {
    this.issuedSinceSweep = 0;
    const now = Date.now();
    for (const [token, issued] of this.tokens) if (issued.expiresAt <= now) this.tokens.delete(token);
  }
}
