import type { JamfObject, JamfValue } from './types';

/**
 * Jamf's JSON bug: a list with one item sometimes comes back as that item alone
 * (`"sites": {"id": 1, …}` instead of `[{…}]`). Applied to every list, at any depth.
 */
export function collapseSingleItemLists(value: JamfValue): JamfValue {
  if (Array.isArray(value)) {
    return value.length === 1 ? collapseSingleItemLists(value[0] as JamfValue) : value.map(collapseSingleItemLists);
  }
  if (value !== null && typeof value === 'object') {
    const out: JamfObject = {};
    for (const key of Object.keys(value)) out[key] = collapseSingleItemLists(value[key] as JamfValue);
    return out;
  }
  return value;
}

/** The body of `GET /JSSResource/users/id/{id}` with `Accept: application/json`: `{"user": {…}}`. */
export function renderUserJson(user: JamfObject, options: { collapseSingleItemLists: boolean }): string {
  return JSON.stringify({ user: options.collapseSingleItemLists ? collapseSingleItemLists(user) : user });
}
