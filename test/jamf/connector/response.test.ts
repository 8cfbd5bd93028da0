import { type Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { toUnifiedUser } from '../../../src/jamf/mapping/from-jamf';
import { toJamfUserXml } from '../../../src/jamf/mapping/to-jamf';
import { JamfResponseError, RemoteError } from '../../../src/errors';
import { parseUserJson, stickyCookie } from '../../../src/jamf/connector/response';
import { fullNameXml, rigPerTest } from './helpers';

describe('Jamf connector: what Jamf answers, through the mapping', () => {
  const rig = rigPerTest();

  it('maps a user whose one-item lists Jamf collapsed into single objects', async () => {
    rig.sim.faults.collapseSingleItemLists = true;
    const connector = rig.connector();
    const answer = await connector.updateUser('23423523', fullNameXml('John Q Doe'), '');
    const jamfUser = answer.user as Record<string, unknown>;
    expect(jamfUser.sites).toEqual({ id: 1, name: 'Main' }); // the quirk, as Jamf sends it
    const unified = toUnifiedUser(answer.user);
    expect(unified).toMatchObject({
      id: '23423523',
      name: 'jdoe',
      first_name: 'John',
      last_name: 'Q Doe',
      emails: [{ email: 'john.doe@example.com', is_primary: true }],
      organization: { id: '1', name: 'Main' },
    });

    rig.sim.faults.collapseSingleItemLists = false;
    const listed = await connector.updateUser('23423523', fullNameXml('John Q Doe'), '');
    expect((listed.user as Record<string, unknown>).sites).toEqual([{ id: 1, name: 'Main' }]);
    const { remote_data: _a, ...fromList } = toUnifiedUser(listed.user);
    const { remote_data: _b, ...fromCollapsed } = unified;
    expect(fromCollapsed).toEqual(fromList);
  });

  it('maps the empty elements a PUT of self-closing elements leaves', async () => {
    const connector = rig.connector();
    // The mapping clears the email with self-closing elements; Jamf stores and answers them as "".
    const xml = toJamfUserXml({ name: 'user28', emails: [] });
    expect(xml).toContain('<email/><email_address/>');
    let answer = await connector.updateUser('1', xml, '');
    expect(answer.user).toMatchObject({ email: '', email_address: '', full_name: 'User 28' });
    expect(toUnifiedUser(answer.user)).not.toHaveProperty('emails');

    answer = await connector.updateUser('1', '<user><full_name/><phone_number/><custom_photo_url/></user>', '');
    expect(answer.user).toMatchObject({ full_name: '', phone_number: '', custom_photo_url: '' });
    const unified = toUnifiedUser(answer.user);
    expect(unified).toMatchObject({ id: '1', name: 'user28' });
    expect(unified).not.toHaveProperty('first_name');
    expect(unified).not.toHaveProperty('last_name');
    expect(unified).not.toHaveProperty('avatar');

    const stream = await connector.updateUserStream('1', '<user><position/></user>', '');
    expect(stream.contentType).toBe('text/xml;charset=UTF-8');
    const body = await text(stream.body as Readable);
    expect(body).toContain('<full_name/>');
    expect(body).toContain('<position/>');
  });

  it('sends the sticky-session cookie Jamf set on the PUT with the GET that follows', async () => {
    rig.sim.faults.staleReadsWithoutCookie = true; // a node that has not seen the write yet answers cookie-less GETs
    const connector = rig.connector();
    const answer = await connector.updateUser('6', fullNameXml('Fresh Name'), '');
    expect(answer.user.full_name).toBe('Fresh Name');
    expect(rig.sim.counters.stickyCookieSeen).toBe(1);

    const stream = await connector.updateUserStream('6', fullNameXml('Fresher Name'), '');
    expect(await text(stream.body as Readable)).toContain('<full_name>Fresher Name</full_name>');
    expect(rig.sim.counters.stickyCookieSeen).toBe(2);

    // Without the cookie the same GET would have read the old name: the cookie is what made it fresh.
    const [token] = rig.sim.issuedTokens();
    const stale = await fetch(`${rig.sim.url}/JSSResource/users/id/6`, { headers: { Authorization: `Bearer ${token?.token}`, Accept: 'application/json' } });
    expect(((await stale.json()) as { user: { full_name: string } }).user.full_name).toBe('Fresh Name');
  });

  it('releases its slot when a streamed answer has been read', async () => {
    const connector = rig.connector({ max_concurrency: 1, max_queue: 0 });
    for (let i = 0; i < 3; i++) {
      const stream = await connector.updateUserStream('6', fullNameXml(`S${i}`), '');
      expect(await text(stream.body as Readable)).toContain(`<full_name>S${i}</full_name>`);
    }
    expect(rig.sim.counters).toMatchObject({ puts: 3, gets: 3 });
  });
});

describe('stickyCookie', () => {
  it('carries the name=value of each cookie Jamf set, without attributes', () => {
    expect(stickyCookie(undefined)).toEqual({});
    expect(stickyCookie('jpro-ingress=abc; Path=/; HttpOnly')).toEqual({ cookie: 'jpro-ingress=abc' });
    expect(stickyCookie(['jpro-ingress=abc; Path=/', 'APBALANCEID=aws.node1; path=/;'])).toEqual({ cookie: 'jpro-ingress=abc; APBALANCEID=aws.node1' });
  });

  it('drops what is no cookie', () => {
    expect(stickyCookie(['', '; Path=/', '=nameless', 'no-equals-sign'])).toEqual({});
  });
});

describe('parseUserJson', () => {
  it('reads Jamf\'s {"user": {...}}', () => {
    expect(parseUserJson('{"user":{"id":6,"name":"x"}}')).toEqual({ user: { id: 6, name: 'x' } });
  });

  it.each([
    ['text that is not JSON', '{"user":{"id":6', 'Jamf answered the GET of the user with a body that is not valid JSON.', '{"user":{"id":6'],
    ['JSON without a user object', '{"user":[1]}', 'Jamf answered the GET of the user with JSON that holds no "user" object.', { user: [1] }],
    ['null', 'null', 'Jamf answered the GET of the user with JSON that holds no "user" object.', null],
  ])('refuses %s as an unreadable answer (502 with what came)', (_label, text, message, raw) => {
    let err: unknown;
    try {
      parseUserJson(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JamfResponseError);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).toMatchObject({ status: 502, message, rawResponse: raw });
  });
});
