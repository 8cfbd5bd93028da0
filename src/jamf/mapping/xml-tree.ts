import { ApiError, type FieldError } from '../../errors';
import { RESERVED_KEYS } from '../../keys';

/** An element tree for the XML builder: text, a nested element map, or repeated elements. */
export type XmlNode = string | XmlElementMap | XmlNode[];
export interface XmlElementMap { [element: string]: XmlNode }

/** How deep `remote_data` may nest. */
export const MAX_REMOTE_DATA_DEPTH = 16;

/** XML 1.0 element names we write: a letter or `_` first, then letters, digits, `.`, `-`, `_`; never `xml…`. */
const ELEMENT_NAME = /^(?!xml)[A-Za-z_][A-Za-z0-9._-]{0,127}$/i;
/** Characters XML 1.0 cannot carry at all, even escaped: C0 controls but tab, LF, CR; U+FFFE/U+FFFF; lone surrogates. */
const NOT_XML_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Plural list elements whose singular is not the plural less its `s`. */
const SINGULAR: Readonly<Record<string, string>> = {
  extension_attributes: 'extension_attribute',
  user_groups: 'user_group',
  vpp_assignments: 'vpp_assignment',
};

/** Throws the 400 for one field of the body: `path` names it, `message` says what is wrong and how to fix it. */
export function refuse(path: string, message: string): never {
  const error: FieldError = { path, message };
  throw new ApiError(400, `${path} ${message}`, [error]);
}

/** `value` as XML text; refuses what XML 1.0 cannot carry. */
export function xmlText(value: string, path: string): string {
  if (NOT_XML_TEXT.test(value)) refuse(path, 'holds a control character or a lone surrogate, which XML 1.0 cannot carry; remove it.');
  return value;
}

/** An element map with no prototype, so that no key can reach `Object.prototype`. */
export function elementMap(): XmlElementMap {
  return Object.create(null) as XmlElementMap;
}

/** Sets (or replaces, keeping its place) one element of `map`. */
export function setElement(map: XmlElementMap, key: string, value: XmlNode): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Refuses a key that is reserved or not a valid XML element name. */
export function checkElementName(key: string, path: string): void {
  if (RESERVED_KEYS.has(key)) refuse(path, `uses the reserved key '${key}'; it cannot be written to Jamf.`);
  if (!ELEMENT_NAME.test(key)) refuse(path, `key '${key}' is not a valid XML element name (letters, digits, '.', '-', '_'; starting with a letter or '_'; not 'xml…').`);
}

/**
 * The singular child element of a list element: `sites` → `site`,
 * `extension_attributes` → `extension_attribute`, `mobile_devices` → `mobile_device`.
 */
export function singularOf(listElement: string): string | undefined {
  const known = SINGULAR[listElement];
  if (known) return known;
  if (listElement.length > 1 && listElement.endsWith('s')) return listElement.slice(0, -1);
  return undefined;
}

/** Scalar JSON as XML text (`null` is an empty element); `undefined` for objects and arrays. */
function scalarText(value: unknown, path: string): string | undefined {
  if (value === null) return '';
  if (typeof value === 'string') return xmlText(value, path);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return undefined;
  return refuse(path, `has a value of type ${typeof value}, which cannot be written.`);
}

/**
 * Converts one JSON value into XML content: scalars as text, objects as child elements, an array as
 * repeated singular children of `element` (`tags: ["a"]` → `<tags><tag>a</tag></tags>`).
 */
export function toXmlNode(value: unknown, path: string, element: string, depth: number): XmlNode {
  if (depth > MAX_REMOTE_DATA_DEPTH) refuse(path, `nests deeper than ${MAX_REMOTE_DATA_DEPTH} levels.`);
  const text = scalarText(value, path);
  if (text !== undefined) return text;
  if (Array.isArray(value)) {
    const child = singularOf(element);
    if (!child) refuse(path, `is a list, but '${element}' has no singular element name (lists are written as <${element}s><${element}>…); send it as an object.`);
    return { [child]: value.map((item: unknown, i) => {
      if (Array.isArray(item)) refuse(`${path}/${i}`, 'is a list inside a list, which Jamf XML cannot hold.');
      return toXmlNode(item, `${path}/${i}`, child, depth + 1);
    }) };
  }
  return toElementMap(value as Record<string, unknown>, path, depth + 1);
}

/** Converts a JSON object into child elements, checking every key. */
export function toElementMap(source: Record<string, unknown>, path: string, depth: number): XmlElementMap {
  const map = elementMap();
  for (const key of Object.keys(source)) {
    const childPath = `${path}/${key}`;
    checkElementName(key, childPath);
    setElement(map, key, toXmlNode(source[key], childPath, key, depth));
  }
  return map;
}
