/**
 * fast-check arbitraries of VALID Update Users requests whose text is as hostile as XML allows (markup,
 * entities, `]]>`, CR/LF, every Unicode plane), and the model of what Jamf must then hold: the same
 * text, the same structure, nothing more.
 *
 * Mapping facts the model follows (contract §4 and Jamf's JSON): `emails` → `email` and `email_address`
 * (the primary one; `[]` clears both); `remote_data` wins over mapped fields; an array under a plural
 * name becomes repeated singular children; Jamf's JSON types `id`-like elements as integers and
 * `enable_custom_photo_url` as a boolean, everything else is text (numbers and booleans sent become
 * their text); Jamf merges nested elements and replaces lists whole.
 *
 * Shapes XML cannot tell apart are not generated: an empty object or an empty unknown list (both
 * become an empty element, read back as ''), an object whose only child has the parent's own (or
 * singular) name (read back as a list), scalars under Jamf's list names.
 */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const XML_SPECIALS = ['<', '>', '&', '"', "'", ']]>', '<![CDATA[x]]>', '&amp;', '&#x41;', '&lt;', '&unknown;', '</name><name>injected', '<user><id>1</id></user>', '<?xml version="1.0"?>', '<!-- c -->', '<!DOCTYPE x [<!ENTITY e "boom">]>&e;'];
const WHITESPACE = ['\r', '\n', '\r\n', '\t', ' ', '  ', '\u00A0', '\u2028', '\u0085'];
const UNICODE = ['é', 'ß', 'Ω', '名前', 'العربية', '😀', '👩‍👩‍👧', '\u{1F600}', '\u{10FFFD}', '\uFDD0', '\u{1FFFE}', '\u200B', '\u202E', '\uFEFF', 'ﬁ'];
/** What XML 1.0 cannot carry (refused with 400, so not valid): C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text XML can carry, biased towards what could break an XML writer or reader. */
export const xmlText = (maxParts = 6): fc.Arbitrary<string> => fc.array(fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }).filter((s) => !NOT_XML.test(s)) },
  { weight: 3, arbitrary: fc.constantFrom(...XML_SPECIALS) },
  { weight: 2, arbitrary: fc.constantFrom(...WHITESPACE) },
  { weight: 2, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 8 }) },
), { maxLength: maxParts }).map((parts) => parts.join(''));

/** XML element names the mapping accepts, never `xml…`, never ending in `s` (plural names are for lists). */
const plainName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9._-]{0,11}$/)
  .filter((n) => !/^xml/i.test(n) && !/s$/.test(n) && !['id', 'name', 'email', 'email_address', 'size', 'total_vpp_code_count', 'enable_custom_photo_url'].includes(n));

const leaf: fc.Arbitrary<Json> = fc.oneof(
  { weight: 8, arbitrary: xmlText() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** An object with the given keys, each value made for its key. */
function objectFrom(keys: fc.Arbitrary<string[]>, valueFor: (key: string) => fc.Arbitrary<Json>): fc.Arbitrary<JsonObject> {
  return keys.chain((ks) => fc.tuple(...ks.map(valueFor)).map((vs) => Object.fromEntries(ks.map((k, i) => [k, vs[i] as Json]))));
}

/** An object of 1-4 children; no child is named `parent` (XML would read a lone such child as a list). */
function objectOf(parent: string, depth: number): fc.Arbitrary<JsonObject> {
  return objectFrom(fc.uniqueArray(plainName.filter((n) => n !== parent), { minLength: 1, maxLength: 4 }), (key) => valueArb(key, depth));
}

/** A value under the non-plural name `name`: text/number/boolean/null, or a nested object. */
function valueArb(name: string, depth: number): fc.Arbitrary<Json> {
  return depth <= 0 ? leaf : fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: objectOf(name, depth - 1) });
}

/** A list under a plural name: items are objects (without a child named like the item) or leaves. */
function listOf(singular: string, minLength: number): fc.Arbitrary<Json[]> {
  return fc.oneof(
    fc.array(objectOf(singular, 1), { minLength, maxLength: 4 }),
    fc.array(leaf, { minLength, maxLength: 4 }),
  );
}

/** Jamf's own lists, with their usual items; may be empty (Jamf keeps them as lists). */
const jamfLists = fc.oneof(
  fc.array(fc.record({ id: fc.integer({ min: 1, max: 1e6 }), name: xmlText(3) }), { maxLength: 3 }).map((v) => ['sites', v] as const),
  fc.array(fc.record({ id: fc.integer({ min: 1, max: 1e6 }), name: xmlText(2), type: fc.constantFrom('String', 'Number', 'Date'), value: xmlText(3) }), { maxLength: 3 }).map((v) => ['extension_attributes', v] as const),
);

/** A `remote_data` object of realistic and random elements. */
export const remoteData: fc.Arbitrary<JsonObject> = fc.tuple(
  fc.dictionary(fc.constantFrom('full_name', 'position', 'phone_number', 'managed_apple_id', 'custom_photo_url'), xmlText(), { maxKeys: 3 }),
  fc.option(fc.record({ id: fc.integer({ min: -1, max: 100 }), name: xmlText(2) }), { nil: undefined }),
  fc.option(jamfLists, { nil: undefined }),
  objectFrom(fc.uniqueArray(plainName, { maxLength: 3 }), (key) => valueArb(key, 2)),
  fc.option(plainName.filter((n) => n.length > 1).chain((base) => listOf(base, 1).map((list) => [`${base}s`, list] as const)), { nil: undefined }),
  fc.option(xmlText(), { nil: undefined }),
).map(([mapped, ldap, jamfList, random, plural, emailClash]) => {
  const out: JsonObject = { ...random, ...mapped };
  if (ldap) out.ldap_server = ldap;
  if (jamfList) out[jamfList[0]] = jamfList[1] as Json;
  if (plural) out[plural[0]] = plural[1];
  if (emailClash !== undefined) out.email = emailClash; // wins over `emails` (contract §4)
  return out;
});

export interface Email { email: string; type?: string; is_primary?: boolean }

/** Text with the characters of `strip` taken out, never empty. */
const stripped = (text: fc.Arbitrary<string>, strip: RegExp): fc.Arbitrary<string> => text.map((t) => t.replace(strip, '')).filter((t) => t !== '');
/** An address the spec's `Email.email` pattern accepts (`local@label.label`), each part as hostile as that allows. */
const address: fc.Arbitrary<string> = fc.tuple(stripped(xmlText(4), /[\s@]/gu), stripped(xmlText(2), /[\s@.]/gu), stripped(xmlText(2), /[\s@.]/gu))
  .map(([local, domain, top]) => `${local}@${domain}.${top}`).filter((a) => a.length <= 320);

/** `emails`: absent, `[]`, one (primary or not), or several with exactly one primary. */
export const emails: fc.Arbitrary<Email[] | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant([] as Email[]),
  fc.record({ email: address, type: fc.option(xmlText(2).filter((t) => t.length <= 64), { nil: undefined }), is_primary: fc.option(fc.boolean(), { nil: undefined }) })
    .map((e) => [Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as unknown as Email]),
  fc.tuple(fc.array(address, { minLength: 2, maxLength: 4 }), fc.nat()).map(([addresses, p]) =>
    addresses.map((email, i) => ({ email, is_primary: i === p % addresses.length, type: 'work' }))),
);

const QUERY_KEY = /^[A-Za-z0-9_.~-]{1,10}$/;
/** `remote_query` pairs (`remote_query[a][b]=v`); keys are unreserved characters, values any text, percent-encoded. */
export const remoteQuery = fc.uniqueArray(
  // Not reserved names (refused, 400) and not all digits (qs would read the object as a list).
  fc.tuple(fc.array(fc.stringMatching(QUERY_KEY).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k) && !/^\d+$/.test(k)), { minLength: 1, maxLength: 3 }), xmlText(3)),
  { maxLength: 3, selector: ([path]) => path[0] },
);

/** Jamf's JSON types of element text (see the simulator's user-xml.ts and Jamf's own JSON). */
const INTEGER_ELEMENTS = new Set(['id', 'size', 'total_vpp_code_count']);
const BOOLEAN_ELEMENTS = new Set(['enable_custom_photo_url']);
const KNOWN_LISTS = new Set(['sites', 'extension_attributes', 'computers', 'peripherals', 'mobile_devices', 'vpp_assignments']);
const SINGULAR: Record<string, string> = { extension_attributes: 'extension_attribute', user_groups: 'user_group', vpp_assignments: 'vpp_assignment' };

function textValue(element: string, text: string): Json {
  if (INTEGER_ELEMENTS.has(element) && /^-?\d{1,15}$/.test(text)) return Number(text);
  if (BOOLEAN_ELEMENTS.has(element) && (text === 'true' || text === 'false')) return text === 'true';
  if (KNOWN_LISTS.has(element) && text.trim() === '') return [];
  return text;
}

/** What Jamf stores for `value` sent as element `element`. */
export function stored(element: string, value: Json): Json {
  if (value === null) return textValue(element, '');
  if (Array.isArray(value)) {
    const item = SINGULAR[element] ?? element.slice(0, -1);
    return value.map((v) => stored(item, v));
  }
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stored(k, v)]));
  return textValue(element, String(value));
}

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Jamf's PUT semantics: nested elements merge, everything else (lists included) is replaced; `id` never changes. */
export function merge(target: JsonObject, patch: JsonObject, root = true): JsonObject {
  const out: JsonObject = { ...target };
  for (const [key, change] of Object.entries(patch)) {
    if (root && key === 'id') continue;
    const existing = out[key];
    out[key] = isObject(change) && isObject(existing) ? merge(existing, change, false) : change;
  }
  return out;
}
