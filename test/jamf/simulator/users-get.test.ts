import { startJamfSimulator, type JamfSimulator } from '../../../src/jamf/simulator';
import { fixture, getUser, oauthToken, statusMessage } from './helpers';

describe('GET /JSSResource/users/id/{id}', () => {
  let sim: JamfSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startJamfSimulator();
    token = await oauthToken(sim);
  });
  afterAll(() => sim.close());

  it('answers XML by default, byte for byte Jamf\'s sample without its indentation', async () => {
    const res = await getUser(sim, token, 6);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml;charset=UTF-8');
    expect(await res.text()).toBe(fixture('classic_user_get_by_id.xml').replace(/>\s+</g, '><').trim());
  });

  it.each(['application/xml', 'text/xml', 'application/xml, application/json'])('answers XML for Accept: %s', async (accept) => {
    const res = await getUser(sim, token, 6, { Accept: accept });
    expect(res.headers.get('content-type')).toBe('text/xml;charset=UTF-8');
    expect(await res.text()).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><user><id>6<\/id>/);
  });

  it.each(['application/json', 'application/json, text/xml;q=0.5'])('answers {"user": …} JSON equal to Jamf\'s sample for Accept: %s', async (accept) => {
    const res = await getUser(sim, token, 1, { Accept: accept });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(await res.json()).toStrictEqual(JSON.parse(fixture('classic_user_get_by_id.json')));
  });

  it('answers JSON with keys in Jamf\'s element order and lists as arrays', async () => {
    const res = await getUser(sim, token, 23423523, { Accept: 'application/json' });
    const text = await res.text();
    expect(text.startsWith('{"user":{"id":23423523,"name":"jdoe","full_name":"John Doe","email":"john.doe@example.com"')).toBe(true);
    expect(JSON.parse(text).user.sites).toEqual([{ id: 1, name: 'Main' }]);
  });

  it('writes lists as repeated singular children in XML', async () => {
    const xml = await (await getUser(sim, token, 1)).text();
    expect(xml).toContain('<extension_attributes><extension_attribute><id>1</id><name>vip</name><type>String</type><value/></extension_attribute><extension_attribute><id>2</id>');
    expect(xml).toContain('<mobile_devices><mobile_device><id>1</id><name>Device 71</name></mobile_device>');
    expect(xml).toContain('<sites/>');
    expect(xml).toContain('<user_groups><size>0</size></user_groups>');
  });

  it('shows what users.set() stored', async () => {
    sim.users.set({ id: 77, name: 'set-by-test', full_name: 'A & B' });
    expect(await (await getUser(sim, token, 77)).text()).toContain('<full_name>A &amp; B</full_name>');
    sim.users.set({ id: 77, name: 'set-by-test', full_name: 'changed' });
    expect(await (await getUser(sim, token, 77)).text()).toContain('<full_name>changed</full_name>');
    sim.users.delete(77);
    expect((await getUser(sim, token, 77)).status).toBe(404);
  });

  it.each([
    ['an unknown id', '/JSSResource/users/id/999'],
    ['an id that is not a number', '/JSSResource/users/id/abc'],
    ['another resource', '/JSSResource/computers/id/1'],
    ['a lookup by name', '/JSSResource/users/name/jdoe'],
  ])('answers 404 with the status page for %s, whatever Accept says', async (_case, path) => {
    const res = await fetch(`${sim.url}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/html;charset=UTF-8');
    expect(await res.text()).toBe(fixture('classic_error_404_not_found.html'));
  });

  it('answers 404 outside /JSSResource and /api', async () => {
    const res = await fetch(`${sim.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect(statusMessage(await res.text())).toBe('The server has not found anything matching the request URI');
  });

  it('answers 405 to other methods on a user', async () => {
    const res = await fetch(`${sim.url}/JSSResource/users/id/6`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(405);
    expect(await res.text()).toContain('>Method Not Allowed</p>');
    expect(sim.users.get(6)).toBeDefined();
  });
});
