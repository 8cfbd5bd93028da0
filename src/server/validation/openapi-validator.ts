import { Router, type RequestHandler } from 'express';
import type * as OpenApiValidator from 'express-openapi-validator';
import { validatorOptions } from './options';

/**
 * The express-openapi-validator middleware on the one spec: requests are always validated (unknown
 * query parameters refused, query parameters coerced to the spec's types, the body never). Security is
 * not left to it: the bearer token is checked before, in constant time.
 */
export function openApiValidator(): RequestHandler[] {
  // Loaded here, not at the top: with the fast path in front, start-up needs only its Ajv internals.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const validator = require('express-openapi-validator') as typeof OpenApiValidator;
  return validator.middleware(validatorOptions()) as RequestHandler[];
}

/**
 * The same validator, set up on first use: with the fast path in front, a server may serve many valid
 * requests before one needs it, and setting it up (loading the spec, compiling the spec's schemas) would
 * otherwise delay the first answer; the first request that needs it pays that once.
 */
export function lazyOpenApiValidator(): RequestHandler {
  let router: RequestHandler | undefined;
  const setUp = (): RequestHandler => {
    router ??= (() => {
      const r = Router();
      r.use(openApiValidator());
      return r;
    })();
    return router;
  };
  return (req, res, next) => setUp()(req, res, next);
}
