import type { ErrorRequestHandler, RequestHandler } from 'express';
import { loadSpec, resolveRef } from '../spec';
import { parseQueryString, type QueryPair } from './query-parser';

type Json = Record<string, unknown>;

/** Where the query step leaves what it read besides `req.query` (`res.locals`). */
export interface QueryLocals {
  /** The `remote_query[…]` pairs, decoded, in the order sent: what validation saw, for forwarding to Jamf. */
  remoteQuery: QueryPair[];
}

/** An array query parameter of the spec: its name and two example items for messages. */
interface ArrayParameter {
  name: string;
  examples: [string, string];
}

let arrays: ArrayParameter[] | undefined;

/** The spec's query parameters of array type (read once): they take the comma form too. */
function arrayParameters(): ArrayParameter[] {
  if (arrays) return arrays;
  const spec = loadSpec();
  const found = new Map<string, ArrayParameter>();
  for (const item of Object.values(spec.paths as Json)) {
    for (const operation of Object.values(item as Json)) {
      for (const node of ((operation as Json).parameters ?? []) as unknown[]) {
        const parameter = resolveRef(spec, node);
        const schema = resolveRef(spec, parameter.schema);
        if (parameter.in !== 'query' || schema.type !== 'array') continue;
        const allowed = (resolveRef(spec, schema.items).enum ?? []) as unknown[];
        const [a = 'a', b = 'b'] = allowed.map(String);
        found.set(String(parameter.name), { name: String(parameter.name), examples: [a, b] });
      }
    }
  }
  arrays = [...found.values()];
  return arrays;
}

const REMOTE_QUERY = 'remote_query[';
/** The names of the spec's array parameters, read at the first request. */
let commaLists: string[] | undefined;

/**
 * Parses the query string once, in every wire form the API accepts (the comma form `x=a,b` too for the
 * spec's array parameters), into a plain writable `req.query`; the `remote_query` pairs of that same
 * parse go to `res.locals.remoteQuery`, so what reaches Jamf is what was validated.
 */
export const parseQueryOnce: RequestHandler = (req, res, next) => {
  commaLists ??= arrayParameters().map((p) => p.name);
  const at = req.originalUrl.indexOf('?');
  const { query, pairs } = parseQueryString(at === -1 ? '' : req.originalUrl.slice(at + 1), commaLists);
  Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
  (res.locals as QueryLocals).remoteQuery = pairs.filter((pair) => pair.key.startsWith(REMOTE_QUERY));
  next();
};

/** The wire forms an array parameter is accepted in, for messages. */
function acceptedForms({ name, examples: [a, b] }: ArrayParameter): string {
  return `${name}[]=${a}&${name}[]=${b}, ${name}=${a}&${name}=${b}, ${name}[0]=${a}&${name}[1]=${b} or ${name}=${a},${b}`;
}

interface ValidationFailure { status?: unknown; message?: unknown; errors?: Array<{ path?: unknown }> }

/**
 * Error step: a 400 about an array query parameter (an unknown item, too many, not a list) says in
 * which forms the list is accepted, so that a caller who used another wire form learns the ones that work.
 */
export const queryFormHints: ErrorRequestHandler = (err, _req, _res, next) => {
  const failure = (typeof err === 'object' && err !== null ? err : {}) as ValidationFailure;
  if (failure.status === 400 && typeof failure.message === 'string' && Array.isArray(failure.errors)) {
    const paths = failure.errors.map((e) => String(e.path ?? ''));
    const parameter = arrayParameters().find((p) => paths.some((path) => path === `/query/${p.name}` || path.startsWith(`/query/${p.name}/`)));
    if (parameter) failure.message = `${failure.message.replace(/\.?$/, '.')} Send the list as ${acceptedForms(parameter)}.`;
  }
  next(err);
};
