import type * as OpenApiValidator from 'express-openapi-validator';
import { loadSpec } from '../spec';

/**
 * How responses are checked against the spec: `fail` turns an invalid response into a 500 (tests),
 * `log` logs it and sends it anyway (production), `off` skips the check.
 */
export type ResponseValidation = 'fail' | 'log' | 'off';

/** Paths served outside the API (the docs and the spec itself): never validated. */
export const UNVALIDATED_PATHS = /^\/(?:docs|openapi\.(?:ya?ml|json))(?:\/|$)/;

/** express-openapi-validator's options for this API (a fresh object each time: the validator normalises what it is given). */
export function validatorOptions(): Parameters<typeof OpenApiValidator.middleware>[0] {
  return {
    apiSpec: loadSpec() as never,
    // The spec is checked where it is written (redocly lint, the spec tests, in npm test); checking it
    // again at every start compiles OpenAPI's own metaschema, a third of the start-up time.
    validateApiSpec: false,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, removeAdditional: false },
    // Responses are checked by this folder's response step (response.ts), on both request paths alike.
    validateResponses: false,
    validateSecurity: false,
    validateFormats: true,
    ignoreUndocumented: false,
    ignorePaths: UNVALIDATED_PATHS,
    // No operation of the spec takes a multipart body, so the upload step could only look and pass: one step less per request.
    fileUploader: false,
  };
}
