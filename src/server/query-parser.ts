import qs from 'qs';
import { ApiError } from '../errors';

/** Limits of the query string, chosen well above any real request and far below harm. */
export const QUERY_LIMITS = {
  /** Most `key=value` pairs in one query string. */
  parameters: 1000,
  /** Most items of one array (`x[]=…` repeated, or `x[i]=…`). */
  arrayItems: 1000,
  /** Deepest nesting of bracketed keys (`remote_query[a][b][c]…`). */
  depth: 8,
} as const;

const OPTIONS: qs.IParseOptions & { decoder?: never } = {
  // Null-prototype objects: keys such as `constructor` or `__proto__` stay plain data, never reach Object.prototype.
  plainObjects: true,
  allowPrototypes: true,
  allowDots: false,
  comma: false,
  depth: QUERY_LIMITS.depth,
  strictDepth: true,
  parameterLimit: QUERY_LIMITS.parameters,
  arrayLimit: QUERY_LIMITS.arrayItems,
  throwOnLimitExceeded: true,
  parseArrays: true,
  duplicates: 'combine',
};

/**
 * Parses a query string in every wire form the API accepts: `x[]=a&x[]=b`, `x=a&x=b`, `x[0]=a&x[1]=b`,
 * `obj[k]=v` and nested `obj[a][b]=c`. Arrays stay arrays up to {@link QUERY_LIMITS}.arrayItems items
 * (Express's own parsers turn long arrays into objects or join them); beyond the limits it refuses
 * with 400 rather than silently reshaping what was sent.
 */
export function parseQuery(queryString: string): Record<string, unknown> {
  if (queryString === '') return Object.create(null) as Record<string, unknown>;
  try {
    return qs.parse(queryString, OPTIONS) as Record<string, unknown>;
  } catch (err) {
    throw new ApiError(400, `The query string is too large or too deeply nested: ${(err as Error).message}. ` +
      `Send at most ${QUERY_LIMITS.parameters} parameters, ${QUERY_LIMITS.arrayItems} items per array and ${QUERY_LIMITS.depth} levels of brackets.`);
  }
}
