/**
 * Keys that are JavaScript's own object machinery. A caller's key with one of these names (a query
 * key, a `remote_data` element) is refused with 400 rather than risk what it does to objects: qs drops
 * `__proto__` silently, and assigning it would reach Object.prototype.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A query-string key decoded the way qs decodes it (`+` is a space; a malformed escape stays as it is),
 * so that what is validated and what is forwarded to Jamf (`remote_query`) are read alike.
 */
export function decodeQueryKey(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
