/**
 * fast-check arbitraries of malformed Update Users requests, derived from the spec
 * (openapi/mdm-users.yaml) and the contract's error table. Every case says why it is malformed and
 * which statuses the spec allows for it; none of them may reach Jamf.
 *
 * Things that look hostile but are VALID are deliberately not generated here (they are covered by
 * valid-updates.test.ts or left alone): a long name of ≤ 255 characters, any Unicode text that XML
 * can carry, thousands of items in a `remote_data` list of good items, `remote_query[a][b]=c` and
 * other bracket forms qs reads as objects (`remote_query[a]]]=1`, `remote_query[=1`), `truto_exclude_fields[][]=id`
 * (qs flattens it), an empty `remote_query=`, duplicate JSON keys (JSON allows them; the last wins).
 */
import fc from 'fast-check';
import { ACCOUNT_ID, API_TOKEN } from '../helpers/stack';
import type { WireRequest } from './support';

export type Category =
  | 'wrong-type' | 'missing' | 'extra' | 'bad-json' | 'deep-nesting' | 'huge-string' | 'control-unicode'
  | 'proto-keys' | 'bracket-abuse' | 'many-items' | 'overlong' | 'media-type' | 'method' | 'overlong-head';

export interface MalformedCase {
  category: Category;
  /** Why the request is malformed, by the spec or the contract. */
  why: string;
  req: WireRequest;
  /** The statuses the spec allows for it. */
  expect: readonly number[];
  /** Sent to the server with the production HTTP limits (createHttpServer), as Node refuses it before Express. */
  head?: boolean;
}

const KNOWN_PARAMS = ['integrated_account_id', 'truto_response_format', 'truto_ignore_remote_data', 'truto_exclude_fields', 'remote_query'] as const;
const USER_FIELDS = ['id', 'name', 'first_name', 'last_name', 'emails', 'organization', 'is_active', 'avatar', 'created_at', 'updated_at', 'remote_data'];
const RESERVED = ['__proto__', 'constructor', 'prototype'] as const;
/** Characters XML 1.0 cannot carry even escaped (the contract: refused with 400). */
const NOT_XML = ['\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u000E', '\u001B', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF'];

const enc = encodeURIComponent;
const VALID_QUERY = `integrated_account_id=${ACCOUNT_ID}`;
const BASE_HEADERS = { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' };

const idArb = fc.constantFrom('23423523', '6', '1', '424242');

function patch(id: string, query: string, body: string | Buffer | undefined, headers: Record<string, string> = {}): WireRequest {
  const merged = { ...BASE_HEADERS, ...headers };
  for (const key of Object.keys(merged)) if ((merged as Record<string, string>)[key] === '') delete (merged as Record<string, string>)[key];
  return { method: 'PATCH', target: `/unified/mdm/users/${id}${query === '' ? '' : `?${query}`}`, headers: merged, ...(body === undefined ? {} : { body }) };
}

/** A case; fast-check prints it as one short line (a failing batch would otherwise print megabytes of bodies). */
function c(category: Category, why: string, req: WireRequest, expect: readonly number[], head = false): MalformedCase {
  const k: MalformedCase = { category, why, req, expect, ...(head ? { head } : {}) };
  Object.defineProperty(k, fc.toStringMethod, { value: () => `[${category}] ${why}`, enumerable: false });
  return k;
}

// ---------- building blocks of otherwise-valid requests ----------

const safeText = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 });
const validAddress = fc.tuple(fc.stringMatching(/^[A-Za-z0-9._%+-]{1,12}$/), fc.stringMatching(/^[a-z0-9]{1,10}$/)).map(([local, host]) => `${local}@${host}.example`);
const validEmail = fc.record({ email: validAddress, type: fc.option(safeText, { nil: undefined }), is_primary: fc.option(fc.boolean(), { nil: undefined }) }, { requiredKeys: ['email'] })
  .map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)));
const validBody = fc.record({
  name: safeText,
  emails: fc.option(validEmail.map((e) => [{ ...e, is_primary: true }]), { nil: undefined }),
  remote_data: fc.option(fc.dictionary(fc.constantFrom('full_name', 'position', 'phone_number'), safeText), { nil: undefined }),
}).map((b) => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) as Record<string, unknown>);

/** Any JSON value that is not of `type` (the spec's type of the field being corrupted). */
function notOfType(type: 'string' | 'array' | 'object' | 'boolean'): fc.Arbitrary<unknown> {
  const all: Array<[string, fc.Arbitrary<unknown>]> = [
    ['string', fc.string({ maxLength: 10 })],
    ['number', fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))],
    ['boolean', fc.boolean()],
    ['null', fc.constant(null)],
    ['array', fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 3 })],
    ['object', fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.integer(), { maxKeys: 3 })],
  ];
  return fc.oneof(...all.filter(([t]) => t !== type).map(([, a]) => a));
}

// ---------- 1. wrong types (the spec's schema types) ----------

const wrongType: fc.Arbitrary<MalformedCase> = fc.oneof(
  fc.tuple(idArb, validBody, fc.constantFrom('name', 'emails', 'remote_data')).chain(([id, body, field]) => {
    const type = field === 'name' ? 'string' : field === 'emails' ? 'array' : 'object';
    return notOfType(type).map((bad) => c('wrong-type', `body.${field} must be ${type} (UpdateUserRequest)`, patch(id, VALID_QUERY, JSON.stringify({ ...body, [field]: bad })), [400]));
  }),
  fc.tuple(idArb, validBody, validEmail, fc.constantFrom('email', 'type', 'is_primary', 'item')).chain(([id, body, email, field]) => {
    const type = field === 'is_primary' ? 'boolean' : field === 'item' ? 'object' : 'string';
    return notOfType(type).map((bad) => {
      const item = field === 'item' ? bad : { ...email, [field]: bad };
      return c('wrong-type', `emails[].${field} must be ${type} (Email)`, patch(id, VALID_QUERY, JSON.stringify({ ...body, emails: [item] })), [400]);
    });
  }),
  // The body itself must be a JSON object.
  fc.tuple(idArb, notOfType('object')).map(([id, bad]) => c('wrong-type', 'the body must be a JSON object', patch(id, VALID_QUERY, JSON.stringify(bad)), [400])),
  // name must have at least one character; several emails need exactly one primary (contract §4).
  fc.tuple(idArb).map(([id]) => c('wrong-type', 'name must not be empty (minLength 1)', patch(id, VALID_QUERY, '{"name":""}'), [400])),
  fc.tuple(idArb, safeText, fc.array(validEmail, { minLength: 2, maxLength: 5 }), fc.boolean()).map(([id, name, emails, allPrimary]) =>
    c('wrong-type', 'several emails need exactly one is_primary: true (contract §4)',
      patch(id, VALID_QUERY, JSON.stringify({ name, emails: emails.map((e) => ({ ...e, is_primary: allPrimary })) })), [400])),
  // Query parameters of the wrong type or value.
  fc.tuple(idArb, validBody, fc.string({ maxLength: 12 }).filter((s) => s !== 'true' && s !== 'false')).map(([id, body, v]) =>
    c('wrong-type', 'truto_ignore_remote_data must be true or false', patch(id, `${VALID_QUERY}&truto_ignore_remote_data=${enc(v)}`, JSON.stringify(body)), [400])),
  fc.tuple(idArb, validBody, fc.string({ maxLength: 12 }).filter((s) => !['unified', 'raw', 'normalized', 'stream'].includes(s))).map(([id, body, v]) =>
    c('wrong-type', 'truto_response_format must be one of its enum', patch(id, `${VALID_QUERY}&truto_response_format=${enc(v)}`, JSON.stringify(body)), [400])),
  fc.tuple(idArb, validBody, fc.oneof(fc.string({ maxLength: 40 }), fc.uuid().map((u) => u.slice(0, -1)), fc.uuid().map((u) => `${u}0`), fc.uuid().map((u) => u.replace(/-/g, ''))))
    .filter(([, , v]) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v))
    .map(([id, body, v]) => c('wrong-type', 'integrated_account_id must be a uuid', patch(id, `integrated_account_id=${enc(v)}`, JSON.stringify(body)), [400])),
  fc.tuple(idArb, validBody, fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !USER_FIELDS.includes(s))).map(([id, body, v]) =>
    c('wrong-type', 'truto_exclude_fields items must be UserField names', patch(id, `${VALID_QUERY}&truto_exclude_fields[]=${enc(v)}`, JSON.stringify(body)), [400])),
  fc.tuple(idArb, validBody, fc.string({ minLength: 1, maxLength: 12 })).map(([id, body, v]) =>
    c('wrong-type', 'remote_query must be an object (remote_query[k]=v), not a string', patch(id, `${VALID_QUERY}&remote_query=${enc(v)}`, JSON.stringify(body)), [400])),
  // The path id must be 1-18 digits.
  fc.tuple(fc.oneof(fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/^[0-9]{1,18}$/.test(s) && s !== '.' && s !== '..'), fc.stringMatching(/^[0-9]{19,30}$/)), validBody).map(([id, body]) =>
    c('wrong-type', 'the path id must match ^[0-9]{1,18}$', patch(enc(id), VALID_QUERY, JSON.stringify(body)), [400, 404])),
);

// ---------- 2. missing parts ----------

const missing: fc.Arbitrary<MalformedCase> = fc.oneof(
  fc.tuple(idArb, validBody).map(([id, body]) => {
    const { name: _name, ...rest } = body;
    return c('missing', 'name is required', patch(id, VALID_QUERY, JSON.stringify(rest)), [400]);
  }),
  fc.tuple(idArb, validBody, validEmail).map(([id, body, email]) => {
    const { email: _e, ...rest } = email;
    return c('missing', 'emails[].email is required', patch(id, VALID_QUERY, JSON.stringify({ ...body, emails: [rest] })), [400]);
  }),
  fc.tuple(idArb, validBody, fc.constantFrom('', 'truto_response_format=raw', 'remote_query[foo]=bar')).map(([id, body, q]) =>
    c('missing', 'integrated_account_id is required', patch(id, q, JSON.stringify(body)), [400])),
  fc.tuple(idArb).map(([id]) => c('missing', 'a JSON body is required (requestBody.required); an empty one has no name', patch(id, VALID_QUERY, ''), [400])),
  fc.tuple(idArb).map(([id]) => c('missing', 'a body of application/json is required', patch(id, VALID_QUERY, undefined, { 'content-type': '' }), [400, 415])),
  fc.tuple(idArb, validBody, fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic YTpi', `bearer-${API_TOKEN}`, `Bearer ${API_TOKEN}x`, `Bearer x${API_TOKEN}`, 'Bearer a b', `Token ${API_TOKEN}`))
    .map(([id, body, auth]) => c('missing', 'a valid Authorization: Bearer <token> is required (401)', patch(id, VALID_QUERY, JSON.stringify(body), { authorization: auth }), [401])),
);

// ---------- 3. extra fields and parameters (additionalProperties: false; unknown query parameters refused) ----------

const unknownName = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 16 })
  .filter((k) => !(['name', 'emails', 'remote_data'] as string[]).includes(k));
const unknownParam = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,20}$/).filter((k) => !(KNOWN_PARAMS as readonly string[]).includes(k));

const extra: fc.Arbitrary<MalformedCase> = fc.oneof(
  fc.tuple(idArb, validBody, unknownName, fc.jsonValue({ maxDepth: 2 })).map(([id, body, key, value]) =>
    c('extra', `body has an unknown field '${key}' (additionalProperties: false)`, patch(id, VALID_QUERY, JSON.stringify({ ...body, [key]: value })), [400])),
  fc.tuple(idArb, validBody, validEmail, fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !['email', 'type', 'is_primary'].includes(k)), fc.jsonValue({ maxDepth: 1 }))
    .map(([id, body, email, key, value]) => c('extra', `emails[] has an unknown field '${key}' (Email is closed)`, patch(id, VALID_QUERY, JSON.stringify({ ...body, emails: [{ ...email, is_primary: true, [key]: value }] })), [400])),
  fc.tuple(idArb, validBody, unknownParam, fc.string({ maxLength: 20 })).map(([id, body, key, value]) =>
    c('extra', `unknown query parameter '${key}' (contract §5)`, patch(id, `${VALID_QUERY}&${enc(key)}=${enc(value)}`, JSON.stringify(body)), [400])),
);

// ---------- 4. bad JSON ----------

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const badJson: fc.Arbitrary<MalformedCase> = fc.tuple(idArb, validBody, fc.nat(), fc.constantFrom(...'{}[],:"\'\\/ ntfu0x'.split('')), fc.nat({ max: 9 }))
  .map(([id, body, at, ch, how]) => {
    const text = JSON.stringify(body);
    const i = 1 + (at % Math.max(1, text.length - 1));
    const variants = [
      text.slice(0, i), // truncated
      `${text.slice(0, i)}${ch}${text.slice(i)}`, // a stray character
      text.replace(/"/g, "'"), // single quotes
      text.replace(/}$/, ',}'), // trailing comma
      text.replace(/"name":"[^"]*"/, '"name":NaN'), // JavaScript, not JSON
      text.replace(/"name"/, 'name'), // unquoted key
      `${text}/* comment */`,
      `)]}'\n${text}`, // XSSI prefix
      `${text}${text}`, // two documents
      text.replace(/"name":"/, '"name":"\u0001'), // raw control character inside a string
    ];
    return { id, text: variants[how] as string };
  })
  .filter(({ text }) => !isJson(text))
  .map(({ id, text }) => c('bad-json', 'the body is not valid JSON (RFC 8259)', patch(id, VALID_QUERY, text), [400]));

// ---------- 5. deep nesting ----------

const deepNesting: fc.Arbitrary<MalformedCase> = fc.oneof(
  fc.tuple(idArb, fc.integer({ min: 17, max: 3000 }), fc.constantFrom('a', 'meta', '_x')).map(([id, depth, key]) =>
    c('deep-nesting', `remote_data nests ${depth} levels, over the 16 the mapping allows`,
      patch(id, VALID_QUERY, `{"name":"deep","remote_data":${`{"${key}":`.repeat(depth)}"v"${'}'.repeat(depth)}}`), [400])),
  fc.tuple(idArb, fc.integer({ min: 2, max: 2000 })).map(([id, depth]) =>
    c('deep-nesting', 'a list inside a list of remote_data cannot be Jamf XML',
      patch(id, VALID_QUERY, `{"name":"deep","remote_data":{"sites":${'['.repeat(depth)}{"id":1}${']'.repeat(depth)}}}`), [400])),
  fc.tuple(idArb, fc.integer({ min: 1, max: 50_000 })).map(([id, depth]) =>
    c('deep-nesting', 'name must be a string, not nested arrays', patch(id, VALID_QUERY, `{"name":${'['.repeat(depth)}"x"${']'.repeat(depth)}}`), [400])),
  fc.tuple(idArb, fc.integer({ min: 1, max: 50_000 })).map(([id, depth]) =>
    c('deep-nesting', 'unterminated nesting is not JSON', patch(id, VALID_QUERY, `{"name":"x","remote_data":${'{"a":'.repeat(depth)}`), [400])),
  fc.tuple(idArb, validBody, fc.integer({ min: 9, max: 40 })).map(([id, body, depth]) =>
    c('deep-nesting', `remote_query nests ${depth} brackets, over the 8 the query parser allows`,
      patch(id, `${VALID_QUERY}&remote_query${'[a]'.repeat(depth)}=1`, JSON.stringify(body)), [400])),
);

// ---------- 6. huge strings (over the spec's maxLength, or the body limit) ----------

const hugeString: fc.Arbitrary<MalformedCase> = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(idArb, fc.integer({ min: 256, max: 60_000 }), fc.constantFrom('x', 'é', '😀', '<&>')).map(([id, n, ch]) =>
    c('huge-string', `name of ${n} repetitions is over maxLength 255`, patch(id, VALID_QUERY, JSON.stringify({ name: ch.repeat(n) })), [400])) },
  { weight: 5, arbitrary: fc.tuple(idArb, fc.integer({ min: 321, max: 20_000 })).map(([id, n]) =>
    c('huge-string', `email of ${n} characters is over maxLength 320`, patch(id, VALID_QUERY, JSON.stringify({ name: 'x', emails: [{ email: 'a'.repeat(n) }] })), [400])) },
  { weight: 5, arbitrary: fc.tuple(idArb, fc.integer({ min: 65, max: 5_000 })).map(([id, n]) =>
    c('huge-string', `email type of ${n} characters is over maxLength 64`, patch(id, VALID_QUERY, JSON.stringify({ name: 'x', emails: [{ email: 'a@b', type: 't'.repeat(n) }] })), [400])) },
  // Rare: each is over a megabyte.
  { weight: 1, arbitrary: fc.tuple(idArb, fc.integer({ min: 1_050_000, max: 1_400_000 })).map(([id, n]) =>
    c('huge-string', `a ${n}-byte body is over the 1 MB body limit`, patch(id, VALID_QUERY, JSON.stringify({ name: 'x', remote_data: { position: 'p'.repeat(n) } })), [413])) },
);

// ---------- 7. control characters and Unicode XML cannot carry, keys that are not XML names ----------

const withBad = fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...NOT_XML), fc.string({ maxLength: 8 })).map(([a, bad, b]) => `${a}${bad}${b}`);
const notXmlName = fc.oneof(
  fc.constantFrom('', '1abc', '-a', '.a', 'a b', 'a:b', 'a<b', 'a&b', 'a"b', "a'b", 'a/b', 'ñame', '名前', 'a😀', 'xml', 'XMLfoo', 'xml-data', 'a\u0000', 'a\nb', `a${'b'.repeat(128)}`),
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !/^(?!xml)[A-Za-z_][A-Za-z0-9._-]{0,127}$/i.test(k) && !(RESERVED as readonly string[]).includes(k)),
);

const controlUnicode: fc.Arbitrary<MalformedCase> = fc.oneof(
  fc.tuple(idArb, withBad).map(([id, name]) => c('control-unicode', 'name holds a character XML 1.0 cannot carry (contract §4)', patch(id, VALID_QUERY, JSON.stringify({ name })), [400])),
  fc.tuple(idArb, withBad).map(([id, email]) => c('control-unicode', 'email holds a character XML 1.0 cannot carry', patch(id, VALID_QUERY, JSON.stringify({ name: 'x', emails: [{ email }] })), [400])),
  fc.tuple(idArb, withBad, fc.constantFrom('position', 'full_name'), fc.boolean()).map(([id, value, key, nested]) =>
    c('control-unicode', 'a remote_data value holds a character XML 1.0 cannot carry',
      patch(id, VALID_QUERY, JSON.stringify({ name: 'x', remote_data: nested ? { sites: [{ id: 1, name: value }] } : { [key]: value } })), [400])),
  fc.tuple(idArb, notXmlName, fc.boolean()).map(([id, key, nested]) =>
    c('control-unicode', `remote_data key '${key}' is not an XML element name`,
      patch(id, VALID_QUERY, JSON.stringify({ name: 'x', remote_data: nested ? { meta: { [key]: 'v' } } : { [key]: 'v' } })), [400])),
  fc.tuple(idArb, validBody, fc.constantFrom('%00', '%0A', '%0D%0A', '%F0%9F%98%80', '%E2%80%AE', '%ZZ', '%E0%A4', '%', '%C0%AF', '%FF%FE'), fc.constantFrom('integrated_account_id', 'truto_response_format', 'truto_ignore_remote_data', 'truto_exclude_fields'))
    .map(([id, body, bad, param]) => {
      const value = param === 'integrated_account_id' ? `${ACCOUNT_ID.slice(0, 10)}${bad}${ACCOUNT_ID.slice(10)}` : param === 'truto_response_format' ? `raw${bad}` : param === 'truto_ignore_remote_data' ? `true${bad}` : `id${bad}`;
      const query = param === 'integrated_account_id' ? `integrated_account_id=${value}` : `${VALID_QUERY}&${param}=${value}`;
      return c('control-unicode', `${param} with ${bad} is not one of its values`, patch(id, query, JSON.stringify(body)), [400]);
    }),
);

// ---------- 8. __proto__ / constructor / prototype ----------

/** JSON text with a reserved key at some depth of remote_data (built as text: JSON.stringify would lose `__proto__`). */
const protoKeys: fc.Arbitrary<MalformedCase> = fc.oneof(
  fc.tuple(idArb, fc.constantFrom(...RESERVED), fc.integer({ min: 0, max: 4 }), fc.constantFrom('{"polluted":"yes"}', '"yes"', '[{"polluted":1}]', '{"isAdmin":true}', 'null'))
    .map(([id, key, depth, value]) => c('proto-keys', `remote_data key '${key}' is refused (not written to Jamf, contract §4 and the mapping)`,
      patch(id, VALID_QUERY, `{"name":"x","remote_data":${'{"meta":'.repeat(depth)}{"${key}":${value}}${'}'.repeat(depth)}}`), [400])),
  fc.tuple(idArb, fc.constantFrom(...RESERVED), fc.constantFrom('{"polluted":"yes"}', '"yes"')).map(([id, key, value]) =>
    c('proto-keys', `body key '${key}' is not a field of UpdateUserRequest`, patch(id, VALID_QUERY, `{"name":"x","${key}":${value}}`), [400])),
  fc.tuple(idArb, fc.constantFrom(...RESERVED), fc.constantFrom('{"polluted":"yes"}', '"yes"')).map(([id, key, value]) =>
    c('proto-keys', `emails[] key '${key}' is not a field of Email`, patch(id, VALID_QUERY, `{"name":"x","emails":[{"email":"a@b","${key}":${value}}]}`), [400])),
  // In the query: as a parameter of its own (unknown), under a parameter that is not an object, or in remote_query.
  fc.tuple(idArb, validBody, fc.constantFrom(...RESERVED), fc.constantFrom('=1', '[polluted]=yes', '[prototype][polluted]=yes', '[]=x', '[isAdmin]=true')).map(([id, body, key, rest]) =>
    c('proto-keys', `'${key}' is not a query parameter of the operation`, patch(id, `${VALID_QUERY}&${key}${rest}`, JSON.stringify(body)), [400])),
  fc.tuple(idArb, validBody, fc.constantFrom(...RESERVED), fc.constantFrom('integrated_account_id', 'truto_response_format', 'truto_ignore_remote_data', 'truto_exclude_fields')).map(([id, body, key, param]) =>
    c('proto-keys', `${param}[${key}] makes ${param} an object, which it is not`, patch(id, `${VALID_QUERY}&${param}[${key}]=x`, JSON.stringify(body)), [400])),
  fc.tuple(idArb, validBody, fc.constantFrom(...RESERVED), fc.integer({ min: 0, max: 3 }), fc.constantFrom('=1', '[polluted]=yes', '[]=x')).map(([id, body, key, depth, rest]) =>
    c('proto-keys', `remote_query key '${key}' is JavaScript's object machinery, refused like in remote_data`,
      patch(id, `${VALID_QUERY}&remote_query${'[a]'.repeat(depth)}[${key}]${rest}`, JSON.stringify(body)), [400])),
);

// ---------- 9. bracket abuse in query keys ----------

const bracketAbuse: fc.Arbitrary<MalformedCase> = fc.oneof(
  fc.tuple(idArb, validBody, fc.constantFrom('integrated_account_id', 'truto_response_format', 'truto_ignore_remote_data'), fc.constantFrom('[]', '[x]', '[][]', '[0][1]', '[0]', '%5B%5D', '[a][b][c]'))
    .map(([id, body, param, br]) => c('bracket-abuse', `${param}${br} is not a string`, patch(id, `${VALID_QUERY}&${param}${br}=raw`, JSON.stringify(body)), [400])),
  fc.tuple(idArb, validBody, fc.constantFrom('[x]=id', '[0][a]=id', '[1500]=id', '[999999]=id', '[-1]=id', '[x][y]=id'))
    .map(([id, body, rest]) => c('bracket-abuse', `truto_exclude_fields${rest} is not a list of field names`, patch(id, `${VALID_QUERY}&truto_exclude_fields${rest}`, JSON.stringify(body)), [400])),
  fc.tuple(idArb, validBody, fc.constantFrom('remote_query]', ']remote_query', '[remote_query]', '[', ']', '[]', '[[]]', '][', 'remote_query]]', 'remote%5Fquery]', ']]]]', '[[[[a]]]]', 'x]['))
    .map(([id, body, key]) => c('bracket-abuse', `'${key}' is not a query parameter of the operation`, patch(id, `${VALID_QUERY}&${key}=1`, JSON.stringify(body)), [400])),
  fc.tuple(idArb, validBody, fc.constantFrom('remote_query[]=1', 'remote_query[0]=1', 'remote_query[]]=1', 'remote_query=1&remote_query[a]=1', 'remote_query[a]=1&remote_query=2'))
    .map(([id, body, q]) => c('bracket-abuse', `${q} makes remote_query a list or a string, not an object`, patch(id, `${VALID_QUERY}&${q}`, JSON.stringify(body)), [400])),
);

// ---------- 10. thousands of items ----------

const manyItems: fc.Arbitrary<MalformedCase> = fc.oneof(
  fc.tuple(idArb, fc.integer({ min: 101, max: 3000 })).map(([id, n]) =>
    c('many-items', `${n} emails is over maxItems 100`, patch(id, VALID_QUERY, JSON.stringify({ name: 'x', emails: Array.from({ length: n }, (_, i) => ({ email: `u${i}@x`, is_primary: i === 0 })) })), [400])),
  fc.tuple(idArb, fc.integer({ min: 101, max: 500 })).map(([id, n]) =>
    c('many-items', `${n} truto_exclude_fields is over maxItems 100`, patch(id, `${VALID_QUERY}${'&truto_exclude_fields=id'.repeat(n)}`, '{"name":"x"}'), [400])),
  fc.tuple(idArb, fc.integer({ min: 1001, max: 4000 })).map(([id, n]) =>
    c('many-items', `${n} query parameters is over the query parser's 1000`, patch(id, `${VALID_QUERY}${'&a='.repeat(n)}`, '{"name":"x"}'), [400])),
  fc.tuple(idArb, fc.integer({ min: 1000, max: 5000 }), fc.nat(), fc.constantFrom('[["nested"]]', '{"1bad":"key"}', '"\\u0000"', '{"__proto__":{}}')).map(([id, n, at, bad]) => {
    const items = Array.from({ length: n }, (_, i) => `{"id":${i},"name":"site ${i}"}`);
    items[at % n] = bad.startsWith('[[') ? '["nested"]' : bad;
    return c('many-items', `one of ${n} remote_data list items cannot be written (${bad})`, patch(id, VALID_QUERY, `{"name":"x","remote_data":{"sites":[${items.join(',')}]}}`), [400]);
  }),
  fc.tuple(idArb, fc.integer({ min: 1000, max: 5000 }), fc.constantFrom('data', 'x', 's', 'info')).map(([id, n, key]) =>
    c('many-items', `remote_data.${key} is a list but '${key}' has no singular element name`,
      patch(id, VALID_QUERY, JSON.stringify({ name: 'x', remote_data: { [key]: Array.from({ length: n }, (_, i) => i) } })), [400])),
);

// ---------- 11. overlong query strings and headers, under the 16 KB head limit ----------

const overlong: fc.Arbitrary<MalformedCase> = fc.oneof(
  fc.tuple(idArb, fc.integer({ min: 1000, max: 12_000 })).map(([id, n]) =>
    c('overlong', `a ${n}-character unknown query parameter`, patch(id, `${VALID_QUERY}&x${'y'.repeat(n)}=1`, '{"name":"x"}'), [400])),
  fc.tuple(idArb, fc.integer({ min: 1000, max: 12_000 })).map(([id, n]) =>
    c('overlong', `a ${n}-character integrated_account_id is not a uuid`, patch(id, `integrated_account_id=${ACCOUNT_ID}${'0'.repeat(n)}`, '{"name":"x"}'), [400])),
  fc.tuple(idArb, fc.integer({ min: 256, max: 12_000 })).map(([id, n]) =>
    c('overlong', `an Idempotency-Key of ${n} characters is over maxLength 255`, patch(id, VALID_QUERY, '{"name":"x"}', { 'idempotency-key': 'k'.repeat(n) }), [400])),
  fc.tuple(idArb, fc.constantFrom('a b', 'é', 'tab\there', 'ünï')).map(([id, key]) =>
    c('overlong', 'an Idempotency-Key must be 1-255 visible ASCII characters', patch(id, VALID_QUERY, '{"name":"x"}', { 'idempotency-key': key }), [400])),
  fc.tuple(idArb, fc.integer({ min: 1000, max: 12_000 })).map(([id, n]) =>
    c('overlong', `a ${n}-character bearer token is not an API token`, patch(id, VALID_QUERY, '{"name":"x"}', { authorization: `Bearer ${'t'.repeat(n)}` }), [401])),
  fc.tuple(idArb, fc.integer({ min: 1000, max: 12_000 })).map(([id, n]) =>
    c('overlong', `a ${n}-character Content-Type is not application/json`, patch(id, VALID_QUERY, '{"name":"x"}', { 'content-type': `application/${'x'.repeat(n)}` }), [415])),
);

// ---------- 12. other media types and encodings ----------

const mediaType: fc.Arbitrary<MalformedCase> = fc.oneof(
  fc.tuple(idArb, fc.constantFrom('text/plain', 'application/xml', 'text/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/merge-patch+json', 'application/jsonx', ';;;===', 'json'))
    .map(([id, type]) => c('media-type', `Content-Type ${type} is not the spec's application/json`, patch(id, VALID_QUERY, '{"name":"x"}', { 'content-type': type }), [415])),
  fc.tuple(idArb, fc.constantFrom('latin1', 'x-unknown', 'ebcdic', 'iso-8859-1'))
    .map(([id, cs]) => c('media-type', `charset ${cs} is not UTF-8 JSON`, patch(id, VALID_QUERY, '{"name":"x"}', { 'content-type': `application/json; charset=${cs}` }), [415])),
  fc.tuple(idArb, fc.constantFrom('utf-16', 'utf-16le', 'utf-32'))
    .map(([id, cs]) => c('media-type', `UTF-8 bytes labelled ${cs} do not decode to JSON`, patch(id, VALID_QUERY, '{"name":"x"}', { 'content-type': `application/json; charset=${cs}` }), [400, 415])),
  fc.tuple(idArb, fc.constantFrom('gzip', 'deflate', 'br'))
    .map(([id, e]) => c('media-type', `a plain body labelled Content-Encoding: ${e} cannot be decompressed`, patch(id, VALID_QUERY, '{"name":"x"}', { 'content-encoding': e }), [400])),
  fc.tuple(idArb, fc.constantFrom('compress', 'x-foo', 'gzip, foo'))
    .map(([id, e]) => c('media-type', `Content-Encoding ${e} is not supported`, patch(id, VALID_QUERY, '{"name":"x"}', { 'content-encoding': e }), [415])),
);

// ---------- 13. methods the path does not have ----------

const method: fc.Arbitrary<MalformedCase> = fc.tuple(idArb, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'))
  .map(([id, m]) => c('method', `${m} is not an operation of /unified/mdm/users/{id}`, { ...patch(id, VALID_QUERY, m === 'GET' || m === 'DELETE' ? undefined : '{"name":"x"}'), method: m }, [405]));

// ---------- 14. heads over Node's 16 KB limit: refused before Express, 431 ----------

const overlongHead: fc.Arbitrary<MalformedCase> = fc.oneof(
  fc.tuple(idArb, fc.integer({ min: 17_000, max: 64_000 })).map(([id, n]) =>
    c('overlong-head', `a ${n}-character query string is over the 16 KB head limit`, patch(id, `${VALID_QUERY}&remote_query[a]=${'q'.repeat(n)}`, '{"name":"x"}'), [431], true)),
  fc.tuple(idArb, fc.integer({ min: 17_000, max: 64_000 })).map(([id, n]) =>
    c('overlong-head', `a ${n}-character header is over the 16 KB head limit`, patch(id, VALID_QUERY, '{"name":"x"}', { 'x-filler': 'h'.repeat(n) }), [431], true)),
  fc.tuple(idArb, fc.integer({ min: 400, max: 1500 })).map(([id, n]) => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < n; i++) headers[`x-h${i}`] = 'v'.repeat(40);
    return c('overlong-head', `${n} headers are over the 16 KB head limit`, patch(id, VALID_QUERY, '{"name":"x"}', headers), [431], true);
  }),
);

/** Every category, weighted so that the slow ones (megabyte bodies, oversized heads) stay rare. */
export const malformedRequest: fc.Arbitrary<MalformedCase> = fc.oneof(
  { weight: 12, arbitrary: wrongType },
  { weight: 6, arbitrary: missing },
  { weight: 6, arbitrary: extra },
  { weight: 8, arbitrary: badJson },
  { weight: 6, arbitrary: deepNesting },
  { weight: 5, arbitrary: hugeString },
  { weight: 10, arbitrary: controlUnicode },
  { weight: 10, arbitrary: protoKeys },
  { weight: 8, arbitrary: bracketAbuse },
  { weight: 4, arbitrary: manyItems },
  { weight: 5, arbitrary: overlong },
  { weight: 4, arbitrary: mediaType },
  { weight: 2, arbitrary: method },
  { weight: 2, arbitrary: overlongHead },
);
