import { Router, type RequestHandler } from 'express';
import type * as OpenApiValidator from 'express-openapi-validator';
import type { Logger } from 'pino';
import { loadSpec } from './spec';

/**
 * How responses are checked against the spec: `fail` turns an invalid response into a 500 (tests),
 * `log` logs it and sends it anyway (production), `off` skips the check.
 */
export type ResponseValidation = 'fail' | 'log' | 'off';

/** Paths served outside the API (docs, the spec itself, health): not validated. */
export const UNVALIDATED_PATHS = /^\/(?:docs|openapi\.(?:ya?ml|json)|healthz)(?:\/|$)/;

/**
 * The express-openapi-validator middleware on the one spec: requests are always validated (unknown
 * query parameters refused, query parameters coerced to the spec's types, the body never), responses as `responses` says.
 * Security is not left to it: the bearer token is checked before, in constant time.
 */
export function openApiValidator(responses: ResponseValidation, logger: Logger): RequestHandler[] {
  // Loaded here, not at the top: with the fast path in front, start-up needs only its Ajv internals.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const validator = require('express-openapi-validator') as typeof OpenApiValidator;
  return validator.middleware(validatorOptions(responses, logger)) as RequestHandler[];
}

/**
 * The same validator, set up on first use: with the fast path in front, a server may serve many valid
 * requests before one needs it, and setting it up (loading the spec, compiling OpenAPI's metaschema and
 * the spec's schemas, ~0.3 s) would otherwise delay the first answer; the first request that needs it pays that once.
 */
export function lazyOpenApiValidator(responses: ResponseValidation, logger: Logger): RequestHandler {
  let router: RequestHandler | undefined;
  const setUp = (): RequestHandler => {
    router ??= (() => {
      const r = Router();
      r.use(openApiValidator(responses, logger));
      return r;
    })();
    return router;
  };
  return (req, res, next) => setUp()(req, res, next);
}

/** The validator's options (a fresh object each time: the validator normalises what it is given). */
export function validatorOptions(responses: ResponseValidation, logger: Logger): Parameters<typeof OpenApiValidator.middleware>[0] {
  const validateResponses =
    responses === 'off'
      ? false
      : responses === 'fail'
        ? true
        : {
            onError: (err: Error, _body: unknown, req: { method: string; path: string }) => {
              logger.warn({ err: { message: err.message }, method: req.method, path: req.path }, 'response does not match the spec');
            },
          };
  return {
    apiSpec: loadSpec() as never,
    // The spec is checked where it is written (redocly lint, the spec tests, in npm test); checking it
    // again at every start compiles OpenAPI's own metaschema, a third of the start-up time.
    validateApiSpec: false,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, removeAdditional: false },
    validateResponses,
    validateSecurity: false,
    validateFormats: true,
    ignoreUndocumented: false,
    ignorePaths: UNVALIDATED_PATHS,
    // No operation of the spec takes a multipart body, so the upload step could only look and pass: one step less per request.
    fileUploader: false,
  };
}
