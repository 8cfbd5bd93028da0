import { XMLBuilder } from 'fast-xml-parser';
import { ApiError, type FieldError } from '../../errors';
import { RESERVED_KEYS } from '../../keys';
import type { components } from '../../../generated/mdm-users';

export type UpdateUserRequest = components['schemas']['UpdateUserRequest'];
type Email = components['schemas']['Email'];

/** An element tree for the XML builder: text, a nested element map, or repeated elements. */
type XmlNode = string | XmlElementMap | XmlNode[];
interface XmlElementMap { [element: string]: XmlNode }

/** XML 1.0 element names we write: a letter or `_` first, then letters, digits, `.`, `-`, `_`; never `xml…`. */
const ELEMENT_NAME = /^(?!xml)[A-Za-z_][A-Za-z0-9._-]{0,127}$/i;
/** Characters XML 1.0 cannot carry at all, even escaped: C0 controls but tab, LF, CR; U+FFFE/U+FFFF; lone surrogates. */
const NOT_XML_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Jamf's plural list elements whose singular is not the plural less its `s`. */
const SINGULAR: Readonly<Record<string, string>> = {
  extension_attributes: 'extension_attribute',
  user_groups: 'user_group',
  vpp_assignments: 'vpp_assignment',
};
/** How deep `remote_data` may nest. */
export const MAX_REMOTE_DATA_DEPTH = 16;

const TEXT_SPECIALS = /[&<>'"\r]/g;
/** The builder's own five entities, plus CR as a character reference: a literal CR would reach Jamf as LF (XML 1.0 §2.11). */
const TEXT_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;', '\r': '&#13;' };
const escapeText = (_name: string, value: unknown): unknown =>
  (typeof value === 'string' ? value.replace(TEXT_SPECIALS, (c) => TEXT_ESCAPES[c] as string) : value);

const builder = new XMLBuilder({ format: false, suppressEmptyNode: true, processEntities: false, tagValueProcessor: escapeText, ignoreAttributes: true });

/**
 * The singular child element of a Jamf list element: `sites` → `site`,
 * `extension_attributes` → `extension_attribute`, `mobile_devices` → `mobile_device`.
 */
export function singularOf(listElement: string): string | undefined {
  const known = SINGULAR[listElement];
  if (known) return known;
  if (listElement.length > 1 && listElement.endsWith('s')) return listElement.slice(0, -1);
  return undefined;
}

/**
 * Chooses the email written to Jamf: the one marked `is_primary`, else the only one.
 * `[]` clears the address (`''`); several emails with no or several primaries are ambiguous (400).
 * @returns the address to write, or `undefined` when `emails` was not sent.
 */
export function primaryEmail(emails: readonly Email[] | undefined): string | undefined {
  if (emails === undefined) return undefined;
  if (emails.length === 0) return '';
  if (emails.length === 1) return (emails[0] as Email).email;
  const primaries = emails.filter((e) => e.is_primary === true);
  if (primaries.length === 1) return (primaries[0] as Email).email;
  const fix = 'Mark exactly one email with "is_primary": true (Jamf keeps one address per user), or send only one email.';
  throw new ApiError(
    400,
    primaries.length === 0 ? `${emails.length} emails were sent and none is primary. ${fix}` : `${primaries.length} emails are marked primary. ${fix}`,
    [{ path: '/body/emails', message: 'must have exactly one email with is_primary: true', error_code: 'primary' }],
  );
}

function fail(path: string, message: string): never {
  const error: FieldError = { path, message };
  throw new ApiError(400, `${path} ${message}`, [error]);
}

function textOf(value: string, path: string): string {
  if (NOT_XML_TEXT.test(value)) fail(path, 'holds a control character or a lone surrogate, which XML 1.0 cannot carry; remove it.');
  return value;
}

function checkElementName(key: string, path: string): void {
  if (RESERVED_KEYS.has(key)) fail(path, `uses the reserved key '${key}'; it cannot be written to Jamf.`);
  if (!ELEMENT_NAME.test(key)) fail(path, `key '${key}' is not a valid XML element name (letters, digits, '.', '-', '_'; starting with a letter or '_'; not 'xml…').`);
}

/** Converts one `remote_data` value into XML content. */
function toXmlNode(value: unknown, path: string, element: string, depth: number): XmlNode {
  if (depth > MAX_REMOTE_DATA_DEPTH) fail(path, `nests deeper than ${MAX_REMOTE_DATA_DEPTH} levels.`);
  if (value === null) return '';
  if (typeof value === 'string') return textOf(value, path);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const child = singularOf(element);
    if (!child) fail(path, `is a list, but '${element}' has no singular element name (lists are written as <${element}s><${element}>…); send it as an object.`);
    return { [child]: value.map((item, i) => {
      if (Array.isArray(item)) fail(`${path}/${i}`, 'is a list inside a list, which Jamf XML cannot hold.');
      return toXmlNode(item, `${path}/${i}`, child, depth + 1);
    }) };
  }
  if (typeof value === 'object') return toElementMap(value as Record<string, unknown>, path, depth + 1);
  return fail(path, `has a value of type ${typeof value}, which cannot be written.`);
}

function toElementMap(source: Record<string, unknown>, path: string, depth: number): XmlElementMap {
  const map: XmlElementMap = Object.create(null) as XmlElementMap;
  for (const key of Object.keys(source)) {
    const childPath = `${path}/${key}`;
    checkElementName(key, childPath);
    Object.defineProperty(map, key, { value: toXmlNode(source[key], childPath, key, depth), enumerable: true, writable: true, configurable: true });
  }
  return map;
}

/**
 * Maps a unified update to the Jamf `<user>` XML body of `PUT /JSSResource/users/id/{id}`, holding only
 * the elements being changed: `name`; the primary email as `email` and `email_address`; then `remote_data`,
 * merged last so that it wins on a clash. Every value is escaped by the XML builder.
 */
export function toJamfUserXml(body: UpdateUserRequest): string {
  const user: XmlElementMap = Object.create(null) as XmlElementMap;
  user.name = textOf(body.name, '/body/name');
  const email = primaryEmail(body.emails);
  if (email !== undefined) {
    user.email = textOf(email, '/body/emails');
    user.email_address = user.email;
  }
  if (body.remote_data !== undefined) {
    const remote = toElementMap(body.remote_data, '/body/remote_data', 1);
    for (const key of Object.keys(remote)) {
      Object.defineProperty(user, key, { value: remote[key], enumerable: true, writable: true, configurable: true });
    }
  }
  return builder.build({ user }) as string;
}
