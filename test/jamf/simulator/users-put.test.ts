import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { startJamfSimulator, type JamfSimulator } from '../../../src/jamf/simulator';
import { fixture, getUser, getUserJson, oauthToken, putUser, statusMessage } from './helpers';

describe('PUT /JSSResource/users/id/{id}', () => {
  let sim: JamfSimulator;
  let token: string;
  beforeEach(async () => {
    sim = await startJamfSimulator();
    token = await oauthToken(sim);
  });
  afterEach(() => sim.close());

  it('answers 201 <user><id>N</id></user> as XML and sets the sticky-session cookie', async () => {
    const res = await putUser(sim, token, 6, '<user><full_name>Twanda</full_name></user>');
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('text/xml;charset=UTF-8');
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><user><id>6</id></user>');
    expect(res.headers.get('set-cookie')).toBe(`${sim.stickyCookie}; Path=/`);
    expect(sim.stickyCookie).toMatch(/^jpro-ingress=\w+$/);
  });

  it('changes only the elements sent', async () => {
    const before = await getUserJson(sim, token, 23423523);
    await putUser(sim, token, 23423523, '<user><full_name>Jane Doe</full_name><position>CTO</position></user>');
    expect(await getUserJson(sim, token, 23423523)).toStrictEqual({ ...before, full_name: 'Jane Doe', position: 'CTO' });
  });

  it('takes Jamf\'s own write body (fixture) and the same body with text/xml', async () => {
    const res = await putUser(sim, token, 1, fixture('classic_user_write_body.xml'), { 'Content-Type': 'text/xml; charset=UTF-8' });
    expect(res.status).toBe(201);
    expect(await getUserJson(sim, token, 1)).toMatchObject({
      id: 1,
      name: 'AHarrison',
      full_name: 'Ashley Harrison',
      email: 'aharrison@company.com',
      email_address: 'aharrison@company.com',
      phone_number: '123-555-6789',
      position: 'Teacher',
      sites: [{ id: -1, name: 'None' }],
      extension_attributes: [{ id: 1, name: 'vip', type: 'String', value: '' }, { id: 2, name: 'test user attribute', type: 'String', value: '' }],
    });
  });

  it('replaces a list as a whole, stored as an array', async () => {
    await putUser(sim, token, 23423523, '<user><sites><site><id>2</id><name>Branch</name></site><site><id>3</id><name>Lab</name></site></sites></user>');
    expect((await getUserJson(sim, token, 23423523)).sites).toEqual([{ id: 2, name: 'Branch' }, { id: 3, name: 'Lab' }]);
    await putUser(sim, token, 23423523, '<user><sites/></user>');
    expect((await getUserJson(sim, token, 23423523)).sites).toEqual([]);
    expect(await (await getUser(sim, token, 23423523)).text()).toContain('<sites/>');
  });

  it('merges nested elements and keeps the id of the path', async () => {
    await putUser(sim, token, 6, '<user><id>999</id><ldap_server><name>Corp LDAP</name></ldap_server></user>');
    const user = await getUserJson(sim, token, 6);
    expect(user.id).toBe(6);
    expect(user.ldap_server).toEqual({ id: -1, name: 'Corp LDAP' });
    expect(sim.users.get(999)).toBeUndefined();
  });

  it('leaves the read-only links and user_groups as they are, like Jamf', async () => {
    const before = await getUserJson(sim, token, 1);
    const res = await putUser(sim, token, 1, '<user><position>CTO</position><links><computers/><total_vpp_code_count>9</total_vpp_code_count></links><user_groups><size>3</size></user_groups></user>');
    expect(res.status).toBe(201);
    expect(await getUserJson(sim, token, 1)).toStrictEqual({ ...before, position: 'CTO' });
  });

  it('stores unknown elements, in XML and JSON answers alike', async () => {
    await putUser(sim, token, 6, '<user><department>R&amp;D</department><extra><level>3</level><tags><tag>a</tag><tag>b</tag></tags></extra></user>');
    expect(sim.users.get(6)).toMatchObject({ department: 'R&D', extra: { level: '3', tags: ['a', 'b'] } });
    const xml = await (await getUser(sim, token, 6)).text();
    expect(xml).toMatch(/<\/links><department>R&amp;D<\/department><extra><level>3<\/level><tags><tag>a<\/tag><tag>b<\/tag><\/tags><\/extra><\/user>$/);
  });

  it('renames the user when <name> changes', async () => {
    expect((await putUser(sim, token, 6, '<user><name>twanda.new</name></user>')).status).toBe(201);
    expect((await getUserJson(sim, token, 6)).name).toBe('twanda.new');
  });

  it.each(['jdoe', 'JDoe'])('answers 409 "Error: Duplicate name" when another user is named %s, and changes nothing', async (name) => {
    const res = await putUser(sim, token, 6, `<user><full_name>x</full_name><name>${name}</name></user>`);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('text/html;charset=UTF-8');
    const html = await res.text();
    expect(html).toContain('>Conflict</p>');
    expect(statusMessage(html)).toBe('Error: Duplicate name');
    expect(sim.users.get(6)).toMatchObject({ name: 'Twanda9039', full_name: '' });
  });

  it('lets a user keep its own name, in any case', async () => {
    expect((await putUser(sim, token, 23423523, '<user><name>JDOE</name></user>')).status).toBe(201);
    expect((await putUser(sim, token, 6, '<user><name>jdoe</name></user>')).status).toBe(409);
  });

  it('answers 404 for an unknown id and creates nothing', async () => {
    const res = await putUser(sim, token, 424242, '<user><name>ghost</name></user>');
    expect(res.status).toBe(404);
    expect(await res.text()).toBe(fixture('classic_error_404_not_found.html'));
    expect(sim.users.get(424242)).toBeUndefined();
  });

  it.each([
    ['malformed XML', '<user><name>x</user>', /^Error: Unable to parse XML/],
    ['a root other than <user>', '<account><name>x</name></account>', /^Error: The root element is &lt;account&gt;/],
    ['an empty body', '', /^Error: Unable to parse XML/],
    ['an unescaped ampersand', '<user><name>a & b</name></user>', /^Error: Unable to parse XML/],
  ])('answers 400 with an "Error: …" status page for %s', async (_case, body, message) => {
    const res = await putUser(sim, token, 6, body);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('>Bad Request</p>');
    expect(statusMessage(html)).toMatch(message);
    expect(sim.users.get(6)?.name).toBe('Twanda9039');
  });

  it('answers 400 to a body that is not UTF-8', async () => {
    const res = await fetch(`${sim.url}/JSSResource/users/id/6`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/xml' },
      body: Buffer.from([0x3c, 0x75, 0x73, 0x65, 0x72, 0x3e, 0xff, 0x3c, 0x2f, 0x75, 0x73, 0x65, 0x72, 0x3e]),
    });
    expect(res.status).toBe(400);
  });

  it.each(['application/json', 'text/plain', undefined])('answers 415 to a body with Content-Type %s', async (contentType) => {
    const res = await fetch(`${sim.url}/JSSResource/users/id/6`, {
      method: 'PUT',
      headers: contentType === undefined ? { Authorization: `Bearer ${token}` } : { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
      body: contentType === undefined ? new Blob(['<user><name>x</name></user>']) : '<user><name>x</name></user>',
    });
    expect(res.status).toBe(415);
    expect(await res.text()).toContain('>Unsupported Media Type</p>');
  });

  describe('special characters', () => {
    const values = [
      '<b>bold</b>',
      'Tom & Jerry',
      `"double" and 'single' quotes`,
      'ends with ]]> and <![CDATA[ starts',
      'unicode: é ü ß 日本語 😀 \u2028',
      '  leading and trailing spaces  ',
      'line\nbreak\ttab',
      '&amp; stays literal',
    ];
    const builder = new XMLBuilder({ processEntities: true, suppressEmptyNode: true });
    const parser = new XMLParser({ parseTagValue: false, trimValues: false, processEntities: true });

    it.each(values)('round-trips %j byte for byte through PUT and GET', async (value) => {
      const body = builder.build({ user: { full_name: value, custom_note: value } }) as string;
      expect((await putUser(sim, token, 23423523, body)).status).toBe(201);
      const json = await getUserJson(sim, token, 23423523);
      expect(json.full_name).toBe(value);
      expect(json.custom_note).toBe(value);
      const xml = await (await getUser(sim, token, 23423523)).text();
      expect((parser.parse(xml) as { user: { full_name: string } }).user.full_name).toBe(value);
    });

    it('reads numeric character references and CDATA sections', async () => {
      await putUser(sim, token, 6, '<user><full_name>&#74;&#x6f;&#xe9; <![CDATA[<raw> & ]]></full_name></user>');
      expect((await getUserJson(sim, token, 6)).full_name).toBe('Joé <raw> & ');
    });
  });
});
