/**
 * Query-string serialization in the wire forms of the Unified MDM API.
 *
 * - arrays: one `key[]=value` pair per item (`truto_exclude_fields[]=id&truto_exclude_fields[]=name`);
 * - objects: bracketed keys, nested as deep as the value (`remote_query[foo]=bar`, `remote_query[a][b]=c`);
 * - booleans and numbers: their string form; `undefined` and `null` are left out.
 *
 * openapi-fetch's default serializer cannot emit `key[]=` pairs or nested objects, so the client uses this one.
 * Brackets are written literally (as the API reference shows them); keys and values are percent-encoded.
 * @see https://spec.openapis.org/oas/v3.1.0#style-examples
 */
export function serializeQuery(query: Readonly<Record<string, unknown>>): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    appendValue(pairs, encodeURIComponent(key), value);
  }
  return pairs.join('&');
}

function appendValue(pairs: string[], key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === 'object') {
        throw new TypeError(`Query parameter '${decodeURIComponent(key)}' holds an array of objects, which has no query-string form; send strings, numbers or booleans.`);
      }
      appendValue(pairs, `${key}[]`, item);
    }
    return;
  }
  if (typeof value === 'object') {
    for (const [child, childValue] of Object.entries(value as Record<string, unknown>)) {
      appendValue(pairs, `${key}[${encodeURIComponent(child)}]`, childValue);
    }
    return;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    pairs.push(`${key}=${encodeURIComponent(String(value))}`);
    return;
  }
  throw new TypeError(`Query parameter '${decodeURIComponent(key)}' has a ${typeof value} value, which has no query-string form.`);
}
