import qs from 'qs';
import { ApiError } from '../../errors';
import { decodeQueryKey, RESERVED_KEYS } from '../../keys';

/** Limits of the query string, chosen well above any real request and far below harm. */
export const QUERY_LIMITS = {
  /** Most `key=value` pairs in one query string. */
  parameters: 1000,
  /** Most items of one array (`x[]=…` repeated, or `x[i]=…`). */
  arrayItems: 1000,
  /** Deepest nesting of bracketed keys (`remote_query[a][b][c]…`). */
  depth: 8,
} as const;

/** A key qs reads without guessing: a name, then bracketed parts (`a[b][c]`), an empty `[]` only last. */
const WELL_FORMED_KEY = /^[^[\]]+(?:\[[^[\]]+\])*(?:\[\])?$/;

/** The first key of the query string that is refused, with why: a reserved name, or brackets that do not pair up. */
function refusedKey(queryString: string): { key: string; message: string; code: string } | undefined {
  for (const pair of queryString.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeQueryKey(eq === -1 ? pair : pair.slice(0, eq));
    for (const part of key.split(/[[\]]/)) {
      if (RESERVED_KEYS.has(part)) {
        return { key, code: 'reserved', message: `uses the reserved name '${part}' (__proto__, constructor and prototype are refused as query keys, remote_query included); rename it.` };
      }
    }
    if (!WELL_FORMED_KEY.test(key)) {
      return { key, code: 'brackets', message: 'has brackets that do not pair up or an empty [] before the end; write nested keys as name[key]=value and list items as name[]=value.' };
    }
  }
  return undefined;
}

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
 * (Express's own parsers turn long arrays into objects or join them); beyond the limits, and for keys
 * named `__proto__`, `constructor` or `prototype`, it refuses with 400 rather than silently reshaping what was sent.
 */
export function parseQuery(queryString: string): Record<string, unknown> {
  if (queryString === '') return Object.create(null) as Record<string, unknown>;
  const refused = refusedKey(queryString);
  if (refused) {
    throw new ApiError(400, `The query key '${refused.key}' ${refused.message}`, [{ path: `/query/${refused.key}`, message: refused.message, error_code: refused.code }]);
  }
  try {
    return qs.parse(queryString, OPTIONS) as Record<string, unknown>;
  } catch (err) {
    throw new ApiError(400, `The query string is too large or too deeply nested: ${(err as Error).message}. ` +
      `Send at most ${QUERY_LIMITS.parameters} parameters, ${QUERY_LIMITS.arrayItems} items per array and ${QUERY_LIMITS.depth} levels of brackets.`);
  }
}
