import { XMLParser } from 'fast-xml-parser';
import { ApiError } from '../../../src/errors';
import { primaryEmail, remoteDataEmail, singularOf, toJamfUserXml, type UpdateUserRequest } from '../../../src/jamf/mapping/to-jamf';
import { startJamfSimulator, type JamfSimulator } from '../../../src/jamf/simulator';
import { fixture } from '../../helpers/fixtures';
import { getUserJson, oauthToken, putUser } from '../simulator/helpers';

/** The real Jamf JSON user of the fixtures (`GET /JSSResource/users/id/1`), as a caller would copy it into remote_data. */
const user28 = (JSON.parse(fixture('classic_user_get_by_id.json')) as { user: Record<string, unknown> }).user;

function refusal(run: () => unknown): ApiError {
  try { run(); } catch (err) { if (err instanceof ApiError) return err; throw err; }
  throw new Error('not refused');
}

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
    { name: 'lets remote_data win over the mapped fields, the address in both elements', given: { name: 'a', emails: [{ email: 'a@x.com' }], remote_data: { name: 'b', email: 'b@x.com' } },
      want: '<user><name>b</name><email>b@x.com</email><email_address>b@x.com</email_address></user>' },
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

describe('toJamfUserXml with Jamf\'s own JSON shapes in remote_data', () => {
  const site = '<site><id>1</id><name>Main</name></site>';
  const cases: Array<{ name: string; remote: Record<string, unknown>; want: string }> = [
    { name: 'the collapsed one-item list object', remote: { sites: { id: 1, name: 'Main' } }, want: `<sites>${site}</sites>` },
    { name: 'a one-item list', remote: { sites: [{ id: 1, name: 'Main' }] }, want: `<sites>${site}</sites>` },
    { name: 'the XML form with one item', remote: { sites: { site: { id: 1, name: 'Main' } } }, want: `<sites>${site}</sites>` },
    { name: 'the XML form with several items', remote: { sites: { site: [{ id: 1, name: 'Main' }, { id: 2 }] } }, want: `<sites>${site}<site><id>2</id></site></sites>` },
    { name: 'a site given by its name', remote: { sites: ['Main'] }, want: '<sites><site><name>Main</name></site></sites>' },
    { name: 'a site given by its id', remote: { sites: [2] }, want: '<sites><site><id>2</id></site></sites>' },
    { name: 'a collapsed site name', remote: { sites: 'Main' }, want: '<sites><site><name>Main</name></site></sites>' },
    { name: 'Jamf\'s "no site" entry', remote: { sites: { id: -1, name: 'None' } }, want: '<sites><site><id>-1</id><name>None</name></site></sites>' },
    { name: 'null clearing a list', remote: { sites: null }, want: '<sites/>' },
    { name: 'an empty object clearing a list', remote: { sites: {} }, want: '<sites/>' },
    { name: 'a collapsed extension attribute', remote: { extension_attributes: { id: 1, name: 'vip', type: 'String', value: 'yes' } },
      want: '<extension_attributes><extension_attribute><id>1</id><name>vip</name><type>String</type><value>yes</value></extension_attribute></extension_attributes>' },
    { name: 'an LDAP server given by its name', remote: { ldap_server: 'Corp LDAP' }, want: '<ldap_server><name>Corp LDAP</name></ldap_server>' },
    { name: 'an LDAP server given by its id', remote: { ldap_server: -1 }, want: '<ldap_server><id>-1</id></ldap_server>' },
    { name: 'a list of an element Jamf does not know, as before', remote: { tags: ['a', 'b'] }, want: '<tags><tag>a</tag><tag>b</tag></tags>' },
  ];
  it.each(cases)('writes $name as Jamf expects', ({ remote, want }) => {
    expect(toJamfUserXml({ name: 'a', remote_data: remote })).toBe(`<user><name>a</name>${want}</user>`);
  });

  it('writes the fixture user as read from Jamf without its read-only id, links and user_groups, and nothing else missing', () => {
    expect(toJamfUserXml({ name: 'user28', remote_data: user28 })).toBe('<user><name>user28</name><email>User28@email.com</email>'
      + '<email_address>User28@email.com</email_address><custom_photo_url/><enable_custom_photo_url>false</enable_custom_photo_url>'
      + '<extension_attributes><extension_attribute><id>1</id><name>vip</name><type>String</type><value/></extension_attribute>'
      + '<extension_attribute><id>2</id><name>test user attribute</name><type>String</type><value/></extension_attribute></extension_attributes>'
      + '<full_name>User 28</full_name><ldap_server><id>-1</id><name>None</name></ldap_server><managed_apple_id/>'
      + '<phone_number>612-605-6625</phone_number><position/><sites/></user>');
  });

  it.each([
    { name: 'without the path id', userId: undefined },
    { name: 'with the path id it matches', userId: '1' },
  ])('drops remote_data.id $name', ({ userId }) => {
    expect(toJamfUserXml({ name: 'a', remote_data: { id: 1, full_name: 'x' } }, userId)).toBe('<user><name>a</name><full_name>x</full_name></user>');
  });

  const refused: Array<{ name: string; remote: Record<string, unknown>; path: string; message: RegExp; userId?: string }> = [
    { name: 'a site that is true', remote: { sites: [true] }, path: '/body/remote_data/sites/0', message: /cannot stand for a site: send \{"id": 1, "name": "Main"\}/ },
    { name: 'a site id that is not an integer', remote: { sites: [1.5] }, path: '/body/remote_data/sites/0', message: /cannot stand for a site/ },
    { name: 'a site object without id or name', remote: { sites: [{ site_id: 1 }] }, path: '/body/remote_data/sites/0', message: /names no site: Jamf finds a site by its "id" or "name"/ },
    { name: 'a collapsed site without id or name', remote: { sites: { title: 'Main' } }, path: '/body/remote_data/sites', message: /names no site/ },
    { name: 'a site in the XML form without id or name', remote: { sites: { site: [{ id: 1 }, { x: 1 }] } }, path: '/body/remote_data/sites/site/1', message: /names no site/ },
    { name: 'a bare extension attribute value', remote: { extension_attributes: ['yes'] }, path: '/body/remote_data/extension_attributes/0', message: /cannot stand for an extension attribute: send \{"id": 1, "value": "…"\}/ },
    { name: 'a list of LDAP servers', remote: { ldap_server: [1] }, path: '/body/remote_data/ldap_server', message: /a user has one ldap_server/ },
    { name: 'an LDAP server that is true', remote: { ldap_server: true }, path: '/body/remote_data/ldap_server', message: /cannot stand for ldap_server/ },
    { name: 'an email that is not text', remote: { email: { address: 'a@x.com' } }, path: '/body/remote_data/email', message: /must be an email address \(text\), or null/ },
    { name: 'an id of another user than the path\'s', remote: { id: 2 }, userId: '1', path: '/body/remote_data/id', message: /not the user being updated \(id 1 in the path\)/ },
  ];
  it.each(refused)('refuses $name with a 400 naming the field and how to fix it', ({ remote, path, message, userId }) => {
    const error = refusal(() => toJamfUserXml({ name: 'a', remote_data: remote }, userId));
    expect([error.status, error.errors?.[0]?.path]).toEqual([400, path]);
    expect(error.message).toMatch(message);
  });
});

describe('toJamfUserXml keeps email and email_address in agreement', () => {
  const both = (address: string) => (address === '' ? '<email/><email_address/>' : `<email>${address}</email><email_address>${address}</email_address>`);
  const cases: Array<{ name: string; given: UpdateUserRequest; want: string }> = [
    { name: 'remote_data.email alone', given: { name: 'a', remote_data: { email: 'r@x.com' } }, want: both('r@x.com') },
    { name: 'remote_data.email_address alone', given: { name: 'a', remote_data: { email_address: 'r@x.com' } }, want: both('r@x.com') },
    { name: 'both, equal', given: { name: 'a', remote_data: { email_address: 'r@x.com', email: 'r@x.com' } }, want: both('r@x.com') },
    { name: 'remote_data.email over the primary of emails', given: { name: 'a', emails: [{ email: 'e@x.com' }], remote_data: { email_address: 'r@x.com' } }, want: both('r@x.com') },
    { name: 'null clearing both', given: { name: 'a', emails: [{ email: 'e@x.com' }], remote_data: { email: null } }, want: both('') },
  ];
  it.each(cases)('writes one address to both from $name', ({ given, want }) => {
    expect(toJamfUserXml(given)).toBe(`<user><name>a</name>${want}</user>`);
  });

  it('refuses remote_data.email and remote_data.email_address that differ, naming both', () => {
    const error = refusal(() => toJamfUserXml({ name: 'a', remote_data: { email: 'a@x.com', email_address: 'b@x.com' } }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/remote_data.email and remote_data.email_address differ.*Send the same address in both, or send only one/);
    expect(error.errors?.map((e) => e.path)).toEqual(['/body/remote_data/email', '/body/remote_data/email_address']);
  });

  it('still refuses ambiguous emails when remote_data sets the address', () => {
    expect(refusal(() => toJamfUserXml({ name: 'a', emails: [{ email: 'a@x.com' }, { email: 'b@x.com' }], remote_data: { email: 'r@x.com' } })).errors?.[0]?.path).toBe('/body/emails');
  });

  it.each([
    [{}, undefined], [{ email: 'a@x.com' }, 'a@x.com'], [{ email_address: 'a@x.com' }, 'a@x.com'], [{ email: null }, ''], [{ email: '', email_address: null }, ''],
  ])('remoteDataEmail(%j) is %j', (remote, want) => expect(remoteDataEmail(remote)).toBe(want));
});

describe('what the Jamf simulator stores from toJamfUserXml', () => {
  let sim: JamfSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startJamfSimulator();
    token = await oauthToken(sim);
  });
  afterAll(() => sim.close());

  /** Writes `body` to user `id` as the connector would, and reads the user back as Jamf's JSON. */
  async function write(id: number, body: UpdateUserRequest): Promise<Record<string, unknown>> {
    const res = await putUser(sim, token, id, toJamfUserXml(body, String(id)));
    expect(res.status).toBe(201);
    return getUserJson(sim, token, id);
  }

  it('stores a user read from Jamf and sent back with a collapsed site and a new email (in both elements) as meant, read-only elements unsent', async () => {
    const before = await getUserJson(sim, token, 1);
    const { email_address: _, ...read } = user28;
    const after = await write(1, { name: 'user28', remote_data: { ...read, email: 'new@example.com', sites: { id: 1, name: 'Main' } } });
    expect(after).toStrictEqual({ ...before, email: 'new@example.com', email_address: 'new@example.com', sites: [{ id: 1, name: 'Main' }] });
    const sent = parser.parse(sim.received.at(-1)?.body ?? '') as { user: Record<string, unknown> };
    expect(Object.keys(sent.user)).toEqual(['name', 'email', 'email_address', ...Object.keys(read).filter((k) => !['id', 'links', 'user_groups', 'name', 'email'].includes(k))]);
  });

  it.each([
    { given: ['Main'], stored: [{ name: 'Main' }] },
    { given: [2, { id: 3, name: 'Lab' }], stored: [{ id: 2 }, { id: 3, name: 'Lab' }] },
    { given: { site: [{ id: 4 }, { id: 5 }] }, stored: [{ id: 4 }, { id: 5 }] },
    { given: [], stored: [] },
  ])('stores the sites $given as $stored', async ({ given, stored }) => {
    expect((await write(6, { name: 'Twanda9039', remote_data: { sites: given } })).sites).toEqual(stored);
  });
});
