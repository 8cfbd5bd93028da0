import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
// Internals of the pinned express-openapi-validator 5.6.2: the same option normalisation, schema
// preprocessing and Ajv factories its own middleware uses, so that both paths judge alike.
import { AjvOptions } from 'express-openapi-validator/dist/framework/ajv/options';
import { defaultSerDes } from 'express-openapi-validator/dist/framework/base.serdes';
import { SchemaPreprocessor } from 'express-openapi-validator/dist/middlewares/parsers/schema.preprocessor';
import { createRequestAjv, createResponseAjv } from 'express-openapi-validator/dist/framework/ajv';
import { toEnvelope } from './error-envelope';
import { resolveRef as resolve } from './spec';
import { validatorOptions, type ResponseValidation } from './validation';

type Json = Record<string, unknown>;
type Check = ((data: unknown) => boolean) & { errors?: Array<{ instancePath?: string; message?: string }> | null };

/** How often each path judged a request (tests read it to prove the fast path is taken). */
export interface ValidationCounts {
  fast: number;
  full: number;
}

const JSON_MEDIA = /^application\/json\s*(?:;|$)/i;

/**
 * The validator's options as its constructor normalises them (express-openapi-validator 5.6.2,
 * OpenApiValidator constructor and normalizeOptions, for the options this project sets), and the Ajv
 * options it derives from them.
 */
function normalize(options: Json): { options: Json; ajvOpts: { preprocessor: never; request: Json; response: Json } } {
  const normalized: Json = { formats: {}, serDes: [...defaultSerDes], ...options };
  if (normalized.validateResponses === true) normalized.validateResponses = { removeAdditional: false, coerceTypes: false, onError: null };
  if (normalized.validateFormats == null) normalized.validateFormats = true;
  if (normalized.validateFormats && !normalized.ajvFormats) normalized.ajvFormats = { mode: 'fast' };
  const ajvOpts = new AjvOptions(normalized as never) as unknown as { preprocessor: never; request: Json; response: Json };
  return { options: normalized, ajvOpts };
}

interface Parameter { name: string; in: 'query' | 'path' | 'header'; required?: boolean; schema: Json }

/**
 * A fast path for the one operation, in front of express-openapi-validator: the operation's parameter,
 * body and response schemas compiled once, with the validator's own Ajv factories, options and schema
 * preprocessing. A request it is sure of (a JSON body, known parameters, all valid) goes straight to the
 * handler, its responses checked here; anything else goes on to express-openapi-validator (`next('route')`),
 * so every refusal is still the validator's own, word for word. It only ever says yes to what the spec
 * allows; a test replays the fuzz corpora through both paths and compares the answers.
 */
export function fastValidation(path: string, method: 'patch', responses: ResponseValidation, logger: Logger, counts: ValidationCounts): RequestHandler {
  const options = validatorOptions(responses, logger);
  const normalized = normalize(options as unknown as Json);
  const spec = options.apiSpec as unknown as Json;
  const { apiDoc, apiDocRes } = new SchemaPreprocessor(spec as never, normalized.ajvOpts.preprocessor, normalized.options.validateResponses as never).preProcess() as unknown as { apiDoc: Json; apiDocRes: Json | null };
  const operation = ((apiDoc.paths as Json)[path] as Json)[method] as Json;

  const parameters = (operation.parameters as unknown[]).map((p) => resolve<Parameter>(apiDoc, p));
  const known = new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name));
  const arrays = new Set(parameters.filter((p) => p.in === 'query' && resolve<Json>(apiDoc, p.schema).type === 'array').map((p) => p.name));
  const group = (where: Parameter['in'], key: (name: string) => string): Json => ({
    type: 'object',
    properties: Object.fromEntries(parameters.filter((p) => p.in === where).map((p) => [key(p.name), p.schema])),
    required: parameters.filter((p) => p.in === where && p.required).map((p) => key(p.name)),
  });
  const paramsSchema = {
    type: 'object',
    properties: {
      query: { ...group('query', (n) => n), additionalProperties: false },
      params: group('path', (n) => n),
      headers: group('header', (n) => n.toLowerCase()),
    },
  };
  const requestOptions = normalized.ajvOpts.request;
  // As the validator does: parameters are always coerced from text; the body as configured (never, here).
  const paramsAjv = createRequestAjv(apiDoc as never, { ...requestOptions, coerceTypes: true } as never);
  const bodyAjv = createRequestAjv(apiDoc as never, requestOptions as never);
  const checkParams = paramsAjv.compile(paramsSchema) as Check;
  const bodySchema = (((operation.requestBody as Json).content as Json)['application/json'] as Json).schema as Json;
  const checkBody = bodyAjv.compile(bodySchema) as Check;

  // Response checks by status and JSON media type, from the validator's response copy of the spec.
  const responseChecks = new Map<string, Check>();
  if (responses !== 'off' && apiDocRes) {
    const responseAjv = createResponseAjv(apiDocRes as never, normalized.ajvOpts.response as never);
    // Many statuses share one schema (every error is the envelope): compile each distinct schema once.
    const compiled = new Map<string, Check>();
    const resOperation = ((apiDocRes.paths as Json)[path] as Json)[method] as Json;
    for (const [status, response] of Object.entries(resOperation.responses as Json)) {
      const content = (resolve<Json>(apiDocRes, response).content ?? {}) as Json;
      for (const [media, entry] of Object.entries(content)) {
        if (!/[/+]json$/.test(media)) continue;
        const schema = (entry as Json).schema as Json;
        const key = JSON.stringify(schema);
        let check = compiled.get(key);
        if (!check) {
          check = responseAjv.compile(schema) as Check;
          compiled.set(key, check);
        }
        responseChecks.set(`${status} ${media}`, check);
      }
    }
  }

  const checkResponse = (res: Response, body: unknown): string | undefined => {
    const media = String(res.getHeader('content-type') ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
    const check = responseChecks.get(`${res.statusCode} ${media}`);
    if (!check) return `no schema for a ${res.statusCode} ${media} response`;
    if (check(body)) return undefined;
    return (check.errors ?? []).map((e) => `response${e.instancePath ?? ''} ${e.message ?? 'is not valid'}`).join(', ');
  };

  return (req, res, next) => {
    const type = req.headers['content-type'];
    if (typeof type !== 'string' || !JSON_MEDIA.test(type) || typeof req.body !== 'object' || req.body === null) {
      next('route');
      return;
    }
    const query: Json = {};
    const given = req.query as Json;
    for (const key of Object.keys(given)) {
      const value = given[key];
      if (!known.has(key) || value === '') {
        next('route');
        return;
      }
      query[key] = arrays.has(key) && !Array.isArray(value) ? [value] : value;
    }
    const headers: Json = {};
    for (const p of parameters) {
      if (p.in !== 'header') continue;
      const value = req.headers[p.name.toLowerCase()];
      if (value !== undefined) headers[p.name.toLowerCase()] = value;
    }
    const data = { query, params: { ...req.params }, headers };
    if (!checkParams(data) || !checkBody(req.body)) {
      next('route');
      return;
    }
    Object.defineProperty(req, 'query', { value: data.query, writable: true, configurable: true, enumerable: true });
    counts.fast++;
    if (responseChecks.size > 0) {
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        const problem = checkResponse(res, body);
        if (problem === undefined) return json(body);
        if (responses === 'log') {
          logger.warn({ err: { message: problem }, method: req.method, path: req.path }, 'response does not match the spec');
          return json(body);
        }
        // As the validator's own failure would: a 500 whose body says nothing of the cause, which the log has.
        logger.error({ err: { message: problem }, method: req.method, path: req.path }, 'response does not match the spec');
        res.status(500);
        return json(toEnvelope(new Error(problem)).envelope);
      };
    }
    next();
  };
}
