import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from '../errors';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` against the accepted tokens in constant time: every
 * accepted token is compared (as SHA-256 digests of equal length), whatever matches first.
 */
export function bearerAuth(tokens: readonly string[]): RequestHandler {
  const accepted = tokens.map(digest);
  const challenge = { 'WWW-Authenticate': 'Bearer' };
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header);
    if (!match?.[1]) {
      next(new ApiError(401, "Send an API token of this server as 'Authorization: Bearer <token>'.", undefined, challenge));
      return;
    }
    const given = digest(match[1]);
    let ok = false;
    for (const token of accepted) ok = timingSafeEqual(given, token) || ok;
    if (!ok) {
      next(new ApiError(401, 'The API token is not valid. Send one of the tokens this server accepts (MDM_API_TOKENS).', undefined, challenge));
      return;
    }
    next();
  };
}
