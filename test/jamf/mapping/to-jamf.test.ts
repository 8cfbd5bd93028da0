import { XMLParser } from 'fast-xml-parser';
import { ApiError } from '../../../src/errors';
import { primaryEmail, singularOf, toJamfUserXml, type UpdateUserRequest } from '../../../src/jamf/mapping/to-jamf';

const parser = new XMLParser({ parseTagValue: false, trimValues: false, isArray: (name) => name === 'site' || name === 'extension_attribute' });

describe('toJamfUserXml', () => {
  const cases: Array<{ name: string; given: UpdateUserRequest; want: string }> = [
    { name: 'writes only the name when only the name is sent', given: { name: 'jdoe2' }, want: '<user><name>jdoe2</name></user>' },
    { name: 'writes the only email to email and email_address', given: { name: 'a', emails: [{ email: 'a@x.com' }] },
      want: '<user><name>a</name><email>a@x.com</email><email_address>a@x.com</email_address></user>' },
    { name: 'writes the primary of several emails', given: { name: 'a', emails: [{ email: 'w@x.com', type: 'work', is_primary: false }, { email: 'p@x.com', type: 'home', is_primary: true }] },
      want: '<user><name>a</name><email>p@x.com</email><email_address>p@x.com</email_address></user>' },
    { name: 'clears the address for emails: []', given: { name: 'a', emails: [] }, want: '<user><name>a</name><email/><email_address/></user>' },
    { name: 'turns sites into <sites><site>…', given: { name: 'a', remote_data: { sites: [{ id: 1, name: 'Main' }, { id: 2, name: 'Two' }] } },
      want: '<user><name>a</name><sites><site><id>1</id><name>Main</name></site><site><id>2</id><name>Two</name></site></sites></user>' },
    { name: 'turns extension_attributes into <extension_attribute>', given: { name: 'a', remote_data: { extension_attributes: [{ id: 1, value: 'v' }] } },
      want: '<user><name>a</name><extension_attributes><extension_attribute><id>1</id><value>v</value></extension_attribute></extension_attributes></user>' },
    { name: 'writes objects as child elements and null as an empty element', given: { name: 'a', remote_data: { ldap_server: { id: -1, name: 'None' }, position: null, enable_custom_photo_url: true } },
      want: '<user><name>a</name><ldap_server><id>-1</id><name>None</name></ldap_server><position/><enable_custom_photo_url>true</enable_custom_photo_url></user>' },
    { name: 'lets remote_data win over the mapped fields', given: { name: 'a', emails: [{ email: 'a@x.com' }], remote_data: { name: 'b', email: 'b@x.com' } },
      want: '<user><name>b</name><email>b@x.com</email><email_address>a@x.com</email_address></user>' },
    { name: 'clears a list with []', given: { name: 'a', remote_data: { sites: [] } }, want: '<user><name>a</name><sites/></user>' },
    { name: 'escapes markup in every text value', given: { name: '<b>&"\'', emails: [{ email: 'x]]>y' }], remote_data: { full_name: '</full_name><admin>1</admin>' } },
      want: '<user><name>&lt;b&gt;&amp;&quot;&apos;</name><email>x]]&gt;y</email><email_address>x]]&gt;y</email_address><full_name>&lt;/full_name&gt;&lt;admin&gt;1&lt;/admin&gt;</full_name></user>' },
  ];
  it.each(cases)('$name', ({ given, want }) => {
    expect(toJamfUserXml(given)).toBe(want);
  });

  it('round-trips every text exactly through an XML parser', () => {
    const tricky = ['<', '>', '&', '"', "'", ']]>', '<![CDATA[x]]>', '&amp;', 'tab\tnew\nline', 'ünïcødé 日本 🎉', '  spaced  '];
    for (const text of tricky) {
      const xml = toJamfUserXml({ name: text, remote_data: { full_name: text, sites: [{ name: text }] } });
      const parsed = parser.parse(xml) as { user: { name: string; full_name: string; sites: { site: Array<{ name: string }> } } };
      expect([parsed.user.name, parsed.user.full_name, parsed.user.sites.site[0]?.name]).toEqual([text, text, text]);
    }
  });

  const refused: Array<{ name: string; given: UpdateUserRequest; path: string }> = [
    { name: 'a key that is not an XML name', given: { name: 'a', remote_data: { 'bad key': 1 } }, path: '/body/remote_data/bad key' },
    { name: 'a key opening an element', given: { name: 'a', remote_data: { 'a><b': 1 } }, path: '/body/remote_data/a><b' },
    { name: '__proto__', given: JSON.parse('{"name":"a","remote_data":{"__proto__":{"x":1}}}') as UpdateUserRequest, path: '/body/remote_data/__proto__' },
    { name: 'constructor', given: { name: 'a', remote_data: { nested: { constructor: 'x' } } }, path: '/body/remote_data/nested/constructor' },
    { name: 'a control character', given: { name: 'a\u0001' }, path: '/body/name' },
    { name: 'a lone surrogate', given: { name: 'a', remote_data: { full_name: 'x\ud800' } }, path: '/body/remote_data/full_name' },
    { name: 'a list with no singular name', given: { name: 'a', remote_data: { data: [1] } }, path: '/body/remote_data/data' },
    { name: 'a list inside a list', given: { name: 'a', remote_data: { sites: [[1]] } }, path: '/body/remote_data/sites/0' },
  ];
  it.each(refused)('refuses $name with 400 naming the field', ({ given, path }) => {
    let caught: unknown;
    try { toJamfUserXml(given); } catch (err) { caught = err; }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).status).toBe(400);
    expect((caught as ApiError).errors?.[0]?.path).toBe(path);
  });

  it('leaves Object.prototype untouched by __proto__ keys', () => {
    expect(() => toJamfUserXml(JSON.parse('{"name":"a","remote_data":{"__proto__":{"polluted":1}}}') as UpdateUserRequest)).toThrow(ApiError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('primaryEmail', () => {
  it.each([
    { given: undefined, want: undefined },
    { given: [], want: '' },
    { given: [{ email: 'only@x.com', is_primary: false }], want: 'only@x.com' },
    { given: [{ email: 'a@x.com' }, { email: 'b@x.com', is_primary: true }], want: 'b@x.com' },
  ])('picks $want from $given', ({ given, want }) => {
    expect(primaryEmail(given)).toBe(want);
  });
  it.each([
    { name: 'no primary', given: [{ email: 'a@x.com' }, { email: 'b@x.com' }], message: /none is primary/ },
    { name: 'two primaries', given: [{ email: 'a@x.com', is_primary: true }, { email: 'b@x.com', is_primary: true }], message: /2 emails are marked primary/ },
  ])('refuses $name with a message that says how to fix it', ({ given, message }) => {
    expect(() => primaryEmail(given)).toThrow(message);
    expect(() => primaryEmail(given)).toThrow(/Mark exactly one email/);
  });
});

describe('singularOf', () => {
  it.each([['sites', 'site'], ['extension_attributes', 'extension_attribute'], ['mobile_devices', 'mobile_device'], ['computers', 'computer'], ['user_groups', 'user_group'], ['data', undefined]])(
    '%s → %s', (plural, singular) => expect(singularOf(plural)).toBe(singular));
});
