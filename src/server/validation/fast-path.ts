import type { RequestHandler } from 'express';
import type { CompiledOperation } from './compiled-operation';

type Json = Record<string, unknown>;

/** How often each path judged a request (tests read it to prove the fast path is taken). */
export interface ValidationCounts {
  fast: number;
  full: number;
}

const JSON_MEDIA = /^application\/json\s*(?:;|$)/i;

/** The request's `{query, params, headers}` in the shape the compiled check takes, or `undefined` when the fast path must pass. */
function requestData(operation: CompiledOperation, req: Parameters<RequestHandler>[0]): { query: Json; params: Json; headers: Json } | undefined {
  const query: Json = {};
  const given = req.query as Json;
  for (const key of Object.keys(given)) {
    const value = given[key];
    if (!operation.known.has(key) || value === '') return undefined;
    query[key] = operation.arrays.has(key) && !Array.isArray(value) ? [value] : value;
  }
  const headers: Json = {};
  for (const p of operation.parameters) {
    if (p.in !== 'header') continue;
    const value = req.headers[p.name.toLowerCase()];
    if (value !== undefined) headers[p.name.toLowerCase()] = value;
  }
  return { query, params: { ...req.params }, headers };
}

/**
 * A fast path for the one operation, in front of express-openapi-validator: the operation's schemas
 * compiled once, with the validator's own Ajv factories, options and preprocessing. A request it is sure
 * of (a JSON body, known parameters, all valid) goes straight on to the handler; anything else goes on to
 * express-openapi-validator (`next('route')`), so every refusal is still the validator's own, word for
 * word. It only ever says yes to what the spec allows; a test replays the fuzz corpora through both paths
 * and compares the answers.
 */
export function fastValidation(operation: CompiledOperation, counts: ValidationCounts): RequestHandler {
  return (req, _res, next) => {
    const type = req.headers['content-type'];
    if (typeof type !== 'string' || !JSON_MEDIA.test(type) || typeof req.body !== 'object' || req.body === null) {
      next('route');
      return;
    }
    const data = requestData(operation, req);
    if (!data || !operation.checkParams(data) || !operation.checkBody(req.body)) {
      next('route');
      return;
    }
    Object.defineProperty(req, 'query', { value: data.query, writable: true, configurable: true, enumerable: true });
    counts.fast++;
    next();
  };
}
