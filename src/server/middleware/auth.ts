import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from '../../errors';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Where the auth step leaves which accepted token the request carried (`res.locals`). */
export interface AuthLocals {
  /**
   * A stable, non-secret name of the matched token (`token-` and 16 hex digits of its SHA-256): the key
   * of per-token limits and idempotency scopes. It depends on the token alone, not on its place in
   * MDM_API_TOKENS, so instances sharing state on Redis name a token alike whatever their lists.
   */
  apiTokenId: string;
}

/**
 * Checks `Authorization: Bearer <token>` against the accepted tokens in constant time: every
 * accepted token is compared (as SHA-256 digests of equal length), whatever matches first.
 * On success `res.locals.apiTokenId` names the matched token, so later steps never handle the secret.
 */
export function bearerAuth(tokens: readonly string[]): RequestHandler {
  const accepted = tokens.map(digest);
  const challenge = { 'WWW-Authenticate': 'Bearer' };
  return (req, res, next) => {
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header);
    if (!match?.[1]) {
      next(new ApiError(401, "Send an API token of this server as 'Authorization: Bearer <token>'.", undefined, challenge));
      return;
    }
    const given = digest(match[1]);
    let matched = false;
    for (const token of accepted) if (timingSafeEqual(given, token)) matched = true;
    if (!matched) {
      next(new ApiError(401, 'The API token is not valid. Send one of the tokens this server accepts (MDM_API_TOKENS).', undefined, challenge));
      return;
    }
    (res.locals as AuthLocals).apiTokenId = `token-${given.toString('hex', 0, 8)}`;
    next();
  };
}
