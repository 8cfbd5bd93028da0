import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from '../../errors';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Where the auth step leaves which accepted token the request carried (`res.locals`). */
export interface AuthLocals {
  /** A stable, non-secret name of the matched token (`token-1`, …): the key of per-token limits and idempotency scopes. */
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
    let matched = -1;
    for (let i = 0; i < accepted.length; i++) if (timingSafeEqual(given, accepted[i] as Buffer) && matched === -1) matched = i;
    if (matched === -1) {
      next(new ApiError(401, 'The API token is not valid. Send one of the tokens this server accepts (MDM_API_TOKENS).', undefined, challenge));
      return;
    }
    (res.locals as AuthLocals).apiTokenId = `token-${matched + 1}`;
    next();
  };
}
