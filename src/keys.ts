/**
 * Keys that are JavaScript's own object machinery. A caller's key with one of these names (a query
 * key, a `remote_data` element) is refused with 400 rather than risk what it does to objects: qs drops
 * `__proto__` silently, and assigning it would reach Object.prototype.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
