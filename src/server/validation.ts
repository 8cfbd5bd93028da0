import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
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
  return OpenApiValidator.middleware(validatorOptions(responses, logger)) as RequestHandler[];
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
