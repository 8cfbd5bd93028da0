import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parseBasicAuth, type IssuedToken, type TokenRegistry } from './auth';
import type { CounterBoard } from './counters';
import { readBody } from './http-message';
import { jsonReply, reply, sendReply, type Reply } from './reply';

const MAX_API_BODY_BYTES = 64 * 1024;

type ApiRoute = 'oauth' | 'token' | 'keep-alive' | 'invalidate';
const API_ROUTES: ReadonlyMap<string, ApiRoute> = new Map([
  ['/api/oauth/token', 'oauth'],
  ['/api/v1/auth/token', 'token'],
  ['/api/v1/auth/keep-alive', 'keep-alive'],
  ['/api/v1/auth/invalidate-token', 'invalidate'],
]);

/** The Jamf Pro API's error body for a bad or expired bearer token. */
const INVALID_TOKEN_BODY = { httpStatus: 401, errors: [{ code: 'INVALID_TOKEN', description: 'Unauthorized', id: '0', field: null }] };
/** The Jamf Pro API's error body for wrong Basic credentials. */
const BAD_CREDENTIALS_BODY = { httpStatus: 401, errors: [] };

function userTokenReply(tokens: TokenRegistry, kind: IssuedToken['kind'], usersPrivileges: boolean): Reply {
  const issued = tokens.issue(kind, usersPrivileges);
  return jsonReply(200, { token: issued.token, expires: new Date(issued.expiresAt).toISOString() });
}

function oauthError(status: number, error: string): Reply {
  return reply(status, 'application/json;charset=UTF-8', JSON.stringify({ error }), { 'Cache-Control': 'no-store' });
}

/**
 * `POST /api/oauth/token`, the client-credentials grant of Jamf's API clients. The client may
 * authenticate in the form (as Jamf documents) or with HTTP Basic (RFC 6749 §2.3.1).
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-4.4
 */
export function oauthToken(tokens: TokenRegistry, headers: IncomingHttpHeaders, body: Buffer): Reply {
  if (!/^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i.test(headers['content-type'] ?? '')) {
    return oauthError(400, 'invalid_request');
  }
  const form = new URLSearchParams(body.toString('utf8'));
  if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type');
  const basic = parseBasicAuth(headers.authorization);
  const clientId = basic?.username ?? form.get('client_id');
  const clientSecret = basic?.password ?? form.get('client_secret');
  const apiClient = tokens.client(clientId, clientSecret);
  if (apiClient === undefined) return oauthError(401, 'invalid_client');
  const issued = tokens.issue('oauth', apiClient.usersPrivileges !== false);
  return reply(200, 'application/json;charset=UTF-8', JSON.stringify({
    access_token: issued.token,
    scope: 'api-role:1',
    token_type: 'Bearer',
    expires_in: tokens.ttlOf('oauth'),
  }), { 'Cache-Control': 'no-store' });
}

/** `POST /api/v1/auth/token` with `Authorization: Basic …` → `{"token", "expires"}`. */
export function userToken(tokens: TokenRegistry, headers: IncomingHttpHeaders): Reply {
  const basic = parseBasicAuth(headers.authorization);
  const account = basic === undefined ? undefined : tokens.user(basic.username, basic.password);
  if (account === undefined) return jsonReply(401, BAD_CREDENTIALS_BODY);
  return userTokenReply(tokens, 'user', account.usersPrivileges !== false);
}

/** `POST /api/v1/auth/keep-alive`: swaps a valid bearer token for a new one; the old one stops working. */
export function keepAlive(tokens: TokenRegistry, headers: IncomingHttpHeaders): Reply {
  const check = tokens.check(headers.authorization);
  if (check.state !== 'valid') return jsonReply(401, INVALID_TOKEN_BODY);
  tokens.revoke(check.token.token);
  return userTokenReply(tokens, check.token.kind, check.token.withoutUsersPrivileges !== true);
}

/** `POST /api/v1/auth/invalidate-token`: ends a valid bearer token (204). */
export function invalidateToken(tokens: TokenRegistry, headers: IncomingHttpHeaders): Reply {
  const check = tokens.check(headers.authorization);
  if (check.state !== 'valid') return jsonReply(401, INVALID_TOKEN_BODY);
  tokens.revoke(check.token.token);
  return { status: 204, headers: {}, body: Buffer.alloc(0) };
}

/** What the token API works with: the simulator's counters and tokens, and the wait before each answer. */
export interface TokenApiParts {
  board: CounterBoard;
  tokens: TokenRegistry;
  /** Waits `faults.delayMs` (cut short when the simulator closes). */
  delay(): Promise<void>;
}

/** Jamf Pro API (`/api/…`): the token endpoints, counted, after the simulator's `delay`. */
export async function tokenApi(req: IncomingMessage, res: ServerResponse, path: string, parts: TokenApiParts): Promise<void> {
  const { tokens } = parts;
  const route = API_ROUTES.get(path);
  if (route !== undefined && route !== 'invalidate') parts.board.values.tokenRequests++;
  await parts.delay();
  const body = await readBody(req, MAX_API_BODY_BYTES);
  if (route === undefined) return sendReply(res, jsonReply(404, { httpStatus: 404, errors: [] }));
  if (req.method !== 'POST') return sendReply(res, jsonReply(405, { httpStatus: 405, errors: [] }));
  if (body === undefined) return sendReply(res, jsonReply(413, { httpStatus: 413, errors: [] }));
  switch (route) {
    case 'oauth': return sendReply(res, oauthToken(tokens, req.headers, body));
    case 'token': return sendReply(res, userToken(tokens, req.headers));
    case 'keep-alive': return sendReply(res, keepAlive(tokens, req.headers));
    case 'invalidate': return sendReply(res, invalidateToken(tokens, req.headers));
  }
}
