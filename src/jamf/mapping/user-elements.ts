import { refuse, toElementMap, toXmlNode, type XmlNode } from './xml-tree';

/**
 * Elements of a Jamf read that Jamf computes and a PUT cannot change: `id` comes from the path,
 * `links` (computers, peripherals, mobile devices, VPP assignments, `total_vpp_code_count`) and
 * `user_groups` from other records. They are never written.
 */
export const READ_ONLY_ELEMENTS: ReadonlySet<string> = new Set(['id', 'links', 'user_groups']);

interface UserList {
  /** The repeated child element (`sites` → `site`). */
  item: string;
  /** What one item is, for messages. */
  noun: string;
  /** Whether a bare value may stand for an item: a text is its name, an integer its id. */
  byReference: boolean;
}

/** The lists of a Jamf user that a PUT writes, each item an object with an `id` or a `name`. */
const USER_LISTS: ReadonlyMap<string, UserList> = new Map([
  ['sites', { item: 'site', noun: 'a site', byReference: true }],
  ['extension_attributes', { item: 'extension_attribute', noun: 'an extension attribute', byReference: false }],
]);

/** Elements that refer to one other Jamf object by `{id, name}`. */
const USER_REFERENCES: ReadonlySet<string> = new Set(['ldap_server']);

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const has = (object: JsonObject, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(object, key) && object[key] !== null && object[key] !== undefined;

/**
 * The items of a list as a caller may send it: an array; Jamf's JSON collapsed one-item form (the item
 * itself, object or bare value); or the XML form `{"site": item | [items]}`. `null` and `{}` are empty.
 */
function itemsOf(value: unknown, path: string, item: string): Array<{ value: unknown; path: string }> {
  if (Array.isArray(value)) return value.map((v: unknown, i) => ({ value: v, path: `${path}/${i}` }));
  if (value === null) return [];
  if (!isObject(value)) return [{ value, path }];
  const keys = Object.keys(value);
  if (keys.length === 0) return [];
  if (keys.length === 1 && keys[0] === item) {
    const inner = value[item];
    return Array.isArray(inner) ? itemsOf(inner, `${path}/${item}`, item) : [{ value: inner, path: `${path}/${item}` }];
  }
  return [{ value, path }];
}

/** A bare value as messages name it, short whatever its size. */
const shown = (value: unknown): string => (typeof value === 'string' ? 'a text' : String(value));

/** A bare value standing for a referenced object: a text is its name, an integer its id. */
function reference(value: unknown): JsonObject | undefined {
  if (typeof value === 'string') return { name: value };
  if (typeof value === 'number' && Number.isSafeInteger(value)) return { id: value };
  return undefined;
}

function listItem(value: unknown, path: string, list: UserList, depth: number): XmlNode {
  if (Array.isArray(value)) refuse(path, 'is a list inside a list, which Jamf XML cannot hold.');
  const object = isObject(value) ? value : list.byReference ? reference(value) : undefined;
  const example = list.byReference ? '{"id": 1, "name": "Main"}, a name ("Main") or an id (1)' : '{"id": 1, "value": "…"} (or "name" instead of "id")';
  if (object === undefined) refuse(path, `is ${shown(value)}, which cannot stand for ${list.noun}: send ${example}.`);
  if (!has(object, 'id') && !has(object, 'name')) refuse(path, `names no ${list.item}: Jamf finds ${list.noun} by its "id" or "name"; send ${example}.`);
  return toElementMap(object, path, depth);
}

/** A Jamf list: `<sites><site>…</site>…</sites>`, whatever JSON form the caller used; empty clears it. */
function listElement(value: unknown, path: string, list: UserList): XmlNode {
  const items = itemsOf(value, path, list.item);
  if (items.length === 0) return '';
  return { [list.item]: items.map((i) => listItem(i.value, i.path, list, 3)) };
}

/** A reference to one object (`ldap_server`): an object as is, a name, or an id. */
function referenceElement(element: string, value: unknown, path: string): XmlNode {
  if (Array.isArray(value)) refuse(path, `is a list, but a user has one ${element}: send {"id": 1} or {"name": "…"} (or {"id": -1} for none).`);
  const object = isObject(value) || value === null ? value : reference(value);
  if (object === undefined) refuse(path, `is ${shown(value)}, which cannot stand for ${element}: send {"id": 1}, {"name": "…"}, a name or an id.`);
  return toXmlNode(object, path, element, 1);
}

/**
 * One `remote_data` element of the `<user>` body, with Jamf's shapes: lists as plural elements of
 * singular items (also from the collapsed one-item form), references from a bare name or id.
 */
export function userElement(element: string, value: unknown, path: string): XmlNode {
  const list = USER_LISTS.get(element);
  if (list) return listElement(value, path, list);
  if (USER_REFERENCES.has(element)) return referenceElement(element, value, path);
  return toXmlNode(value, path, element, 1);
}
