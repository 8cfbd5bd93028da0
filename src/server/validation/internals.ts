/**
 * The one module that reaches into express-openapi-validator's internals (its `dist/` files): the option
 * normalisation, schema preprocessing and Ajv factories its own middleware uses, so that the compiled
 * fast path and the response check judge exactly as the validator does. These are not public API: the
 * code below was read and verified against {@link VERIFIED_VALIDATOR_VERSION} only, and a test fails
 * when another version is installed (test/server/validation/internals.test.ts says what to re-check).
 */
import { AjvOptions } from 'express-openapi-validator/dist/framework/ajv/options';
import { defaultSerDes } from 'express-openapi-validator/dist/framework/base.serdes';
import { SchemaPreprocessor } from 'express-openapi-validator/dist/middlewares/parsers/schema.preprocessor';
import { createRequestAjv, createResponseAjv } from 'express-openapi-validator/dist/framework/ajv';

/** The express-openapi-validator version whose internals this file was verified against. */
export const VERIFIED_VALIDATOR_VERSION = '5.6.2';

type Json = Record<string, unknown>;

/** A compiled Ajv check, as Ajv returns it. */
export type Check = ((data: unknown) => boolean) & { errors?: Array<{ instancePath?: string; message?: string }> | null };

/** Compiles schemas against one preprocessed copy of the spec. */
export interface SchemaCompiler {
  compile(schema: Json): Check;
}

/** The spec as the validator preprocesses it: one copy for requests, one for responses (null when responses are not validated). */
export interface PreprocessedSpec {
  apiDoc: Json;
  apiDocRes: Json | null;
  /** Ajv for parameters (always coerced from text, as the validator does). */
  paramsAjv: SchemaCompiler;
  /** Ajv for the body, with the request options as configured. */
  bodyAjv: SchemaCompiler;
  /** Ajv for responses (on `apiDocRes`), when responses are validated. */
  responseAjv: SchemaCompiler | null;
}

/**
 * The validator's options as its constructor normalises them (OpenApiValidator constructor and
 * normalizeOptions in 5.6.2, for the options this project sets), and the Ajv options it derives.
 */
function normalize(options: Json): { options: Json; ajvOpts: { preprocessor: never; request: Json; response: Json } } {
  const normalized: Json = { formats: {}, serDes: [...defaultSerDes], ...options };
  if (normalized.validateResponses === true) normalized.validateResponses = { removeAdditional: false, coerceTypes: false, onError: null };
  if (normalized.validateFormats == null) normalized.validateFormats = true;
  if (normalized.validateFormats && !normalized.ajvFormats) normalized.ajvFormats = { mode: 'fast' };
  const ajvOpts = new AjvOptions(normalized as never) as unknown as { preprocessor: never; request: Json; response: Json };
  return { options: normalized, ajvOpts };
}

/** Preprocesses the spec in `options.apiSpec` and builds the validator's own Ajv instances for it. */
export function preprocess(options: Json): PreprocessedSpec {
  const { options: normalized, ajvOpts } = normalize(options);
  const validateResponses = normalized.validateResponses;
  const { apiDoc, apiDocRes } = new SchemaPreprocessor(options.apiSpec as never, ajvOpts.preprocessor, validateResponses as never)
    .preProcess() as unknown as { apiDoc: Json; apiDocRes: Json | null };
  const compiler = (ajv: unknown): SchemaCompiler => ({ compile: (schema) => (ajv as { compile(s: Json): Check }).compile(schema) });
  return {
    apiDoc,
    apiDocRes,
    paramsAjv: compiler(createRequestAjv(apiDoc as never, { ...ajvOpts.request, coerceTypes: true } as never)),
    bodyAjv: compiler(createRequestAjv(apiDoc as never, ajvOpts.request as never)),
    responseAjv: apiDocRes ? compiler(createResponseAjv(apiDocRes as never, ajvOpts.response as never)) : null,
  };
}
