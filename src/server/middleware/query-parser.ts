import qs from 'qs';
import { ApiError } from '../../errors';
import { RESERVED_KEYS } from '../../keys';

/** Limits of the query string, chosen well above any real request and far below harm. */
export const QUERY_LIMITS = {
  /** Most `key=value` pairs in one query string. */
  parameters: 1000,
  /** Most items of one array (`x[]=…` repeated, `x[i]=…`, or `x=a,b,…`). */
  arrayItems: 1000,
  /** Deepest nesting of bracketed keys (`remote_query[a][b][c]…`). */
  depth: 8,
} as const;

/** One `key=value` pair of the query string as qs read it: key and value decoded, in the order sent. */
export interface QueryPair {
  key: string;
  value: string;
}

/** The query string read once: the object validation sees, and the pairs it was built from. */
export interface ParsedQuery {
  query: Record<string, unknown>;
  pairs: QueryPair[];
}

/** A key qs reads without guessing: a name, then bracketed parts (`a[b][c]`), an empty `[]` only last. */
const WELL_FORMED_KEY = /^[^[\]]+(?:\[[^[\]]+\])*(?:\[\])?$/;

/** The first key that is refused, with why: a reserved name, or brackets that do not pair up. */
function refusedKey(pairs: readonly QueryPair[]): { key: string; message: string; code: string } | undefined {
  for (const { key } of pairs) {
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

const OPTIONS: qs.IParseOptions = {
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

const tooLarge = (why: string): ApiError => new ApiError(400, `The query string is too large or too deeply nested: ${why}. ` +
  `Send at most ${QUERY_LIMITS.parameters} parameters, ${QUERY_LIMITS.arrayItems} items per array and ${QUERY_LIMITS.depth} levels of brackets.`);

/** `x=a,b` as `[a, b]`: every string item of the top-level key `name` split at its commas. */
function splitCommas(query: Record<string, unknown>, name: string): void {
  const value = query[name];
  const items = typeof value === 'string' ? [value] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  if (!items?.some((item) => item.includes(','))) return;
  const split = items.flatMap((item) => item.split(','));
  if (split.length > QUERY_LIMITS.arrayItems) throw tooLarge(`'${name}' lists ${split.length} items`);
  query[name] = split;
}

/**
 * Reads a query string once, with qs, in every wire form the API accepts: `x[]=a&x[]=b`, `x=a&x=b`,
 * `x[0]=a&x[1]=b`, brackets percent-encoded or not (`x%5B0%5D=a`, as Truto's SDK writes them),
 * `obj[k]=v` and nested `obj[a][b]=c`; for the keys named in `commaLists` also `x=a,b`. The pairs qs
 * decoded on the way are kept, in order, so that what is forwarded (`remote_query`) is what was
 * validated. Arrays stay arrays up to {@link QUERY_LIMITS}.arrayItems items (Express's own parsers turn
 * long arrays into objects or join them); beyond the limits, and for keys named `__proto__`,
 * `constructor` or `prototype`, it refuses with 400 rather than silently reshaping what was sent.
 */
export function parseQueryString(queryString: string, commaLists: Iterable<string> = []): ParsedQuery {
  const pairs: QueryPair[] = [];
  const decoder: qs.IParseOptions['decoder'] = (text, decode, charset, type) => {
    const decoded = decode(text, decode, charset) as string;
    if (type === 'key') pairs.push({ key: decoded, value: '' });
    else if (pairs.length > 0) (pairs[pairs.length - 1] as QueryPair).value = decoded;
    return decoded;
  };
  let query: Record<string, unknown>;
  try {
    query = (queryString === '' ? Object.create(null) : qs.parse(queryString, { ...OPTIONS, decoder })) as Record<string, unknown>;
  } catch (err) {
    throw tooLarge((err as Error).message);
  }
  const refused = refusedKey(pairs);
  if (refused) {
    throw new ApiError(400, `The query key '${refused.key}' ${refused.message}`, [{ path: `/query/${refused.key}`, message: refused.message, error_code: refused.code }]);
  }
  for (const name of commaLists) splitCommas(query, name);
  return { query, pairs };
}

/** The object of {@link parseQueryString} alone. */
export function parseQuery(queryString: string, commaLists: Iterable<string> = []): Record<string, unknown> {
  return parseQueryString(queryString, commaLists).query;
}
