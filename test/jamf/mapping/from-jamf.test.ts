import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startJamfSimulator } from '../../../src/jamf/simulator';
import { fixture } from '../../helpers/fixtures';
import { listItems, splitFullName, toNormalizedUser, toUnifiedUser, USER_FIELDS, withoutFields, type JamfUser, type UserField } from '../../../src/jamf/mapping/from-jamf';
import { toJamfUserXml, type UpdateUserRequest } from '../../../src/jamf/mapping/to-jamf';
import { getUserJson, oauthToken, putUser } from '../simulator/helpers';

/** The real Jamf JSON user of the fixtures (`GET /JSSResource/users/id/1`). */
const user28 = (JSON.parse(fixture('classic_user_get_by_id.json')) as { user: JamfUser }).user;
/** The real Jamf XML user of the fixtures (id 6) in Jamf's JSON form. */
const twanda: JamfUser = {
  id: 6, name: 'Twanda9039', full_name: '', email: 'twanda@jamf.com', email_address: 'twanda@jamf.com', phone_number: '', position: '',
  enable_custom_photo_url: false, custom_photo_url: '', ldap_server: { id: -1, name: 'None' }, extension_attributes: [], sites: [],
  links: { computers: [{ id: 7, name: "Twanda's MacBook Air" }], peripherals: [], mobile_devices: [], vpp_assignments: [], total_vpp_code_count: 0 },
};

describe('toUnifiedUser', () => {
  const cases: Array<{ name: string; given: JamfUser; want: Record<string, unknown> }> = [
    { name: 'the fixture user 28 (JSON)', given: user28,
      want: { id: '1', name: 'user28', first_name: 'User', last_name: '28', emails: [{ email: 'User28@email.com', is_primary: true }], remote_data: user28 } },
    { name: 'the fixture user Twanda9039 (XML), empty full name', given: twanda,
      want: { id: '6', name: 'Twanda9039', emails: [{ email: 'twanda@jamf.com', is_primary: true }], remote_data: twanda } },
    { name: 'the first site as organization', given: { id: 2, name: 'x', sites: [{ id: 3, name: 'Main' }, { id: 4, name: 'Other' }] },
      want: { id: '2', name: 'x', organization: { id: '3', name: 'Main' }, remote_data: { id: 2, name: 'x', sites: [{ id: 3, name: 'Main' }, { id: 4, name: 'Other' }] } } },
    { name: 'a one-item list collapsed into an object (Jamf JSON quirk)', given: { id: 2, name: 'x', sites: { id: 3, name: 'Main' } },
      want: { id: '2', name: 'x', organization: { id: '3', name: 'Main' }, remote_data: { id: 2, name: 'x', sites: { id: 3, name: 'Main' } } } },
    { name: 'email_address when email is empty', given: { id: 2, name: 'x', email: '', email_address: 'e@x.com' },
      want: { id: '2', name: 'x', emails: [{ email: 'e@x.com', is_primary: true }], remote_data: { id: 2, name: 'x', email: '', email_address: 'e@x.com' } } },
    { name: 'custom_photo_url as avatar when enable_custom_photo_url is on', given: { id: 2, name: 'x', enable_custom_photo_url: true, custom_photo_url: 'https://example.com/a.png' },
      want: { id: '2', name: 'x', avatar: 'https://example.com/a.png', remote_data: { id: 2, name: 'x', enable_custom_photo_url: true, custom_photo_url: 'https://example.com/a.png' } } },
    { name: 'a full name of three words', given: { id: 2, name: 'x', full_name: 'Mary Ann Smith' },
      want: { id: '2', name: 'x', first_name: 'Mary', last_name: 'Ann Smith', remote_data: { id: 2, name: 'x', full_name: 'Mary Ann Smith' } } },
  ];
  it.each(cases)('maps $name', ({ given, want }) => {
    expect(toUnifiedUser(given)).toEqual(want);
  });

  it('never invents is_active, created_at, updated_at or an email type', () => {
    const unified = toUnifiedUser(user28);
    expect(unified).not.toHaveProperty('is_active');
    expect(unified).not.toHaveProperty('created_at');
    expect(unified).not.toHaveProperty('updated_at');
    expect(unified.emails?.[0]).not.toHaveProperty('type');
  });
});

describe('toUnifiedUser reads organization and avatar as Jamf means them', () => {
  const url = 'https://example.com/a.png';
  it.each([
    { name: 'Jamf\'s "no site" entry', sites: [{ id: -1, name: 'None' }], want: undefined },
    { name: 'the "no site" entry collapsed', sites: { id: -1, name: 'None' }, want: undefined },
    { name: 'the "no site" entry in the XML form, id as text', sites: { site: { id: '-1', name: 'None' } }, want: undefined },
    { name: 'a real site after the "no site" entry', sites: [{ id: -1, name: 'None' }, { id: 3, name: 'Main' }], want: { id: '3', name: 'Main' } },
    { name: 'a site without a name', sites: [{ id: 3 }], want: { id: '3' } },
    { name: 'no sites', sites: [], want: undefined },
  ])('organization from $name is $want', ({ sites, want }) => {
    expect(toUnifiedUser({ id: 2, name: 'x', sites }).organization).toEqual(want);
    expect(toNormalizedUser({ id: 2, name: 'x', sites }).organization).toEqual(want ?? null);
  });

  it.each([
    { enabled: false, photo: url, want: undefined },
    { enabled: undefined, photo: url, want: undefined },
    { enabled: true, photo: url, want: url },
    { enabled: 'true', photo: url, want: url },
    { enabled: true, photo: '', want: undefined },
    { enabled: true, photo: 'not a url', want: undefined },
  ])('avatar with enable_custom_photo_url $enabled and custom_photo_url $photo is $want', ({ enabled, photo, want }) => {
    const user = { id: 2, name: 'x', enable_custom_photo_url: enabled, custom_photo_url: photo } as JamfUser;
    expect(toUnifiedUser(user).avatar).toBe(want);
    expect(toNormalizedUser(user).avatar).toBe(want ?? null);
  });
});

describe('toNormalizedUser', () => {
  it('has every field in the spec order, null where Jamf has no value', () => {
    const normalized = toNormalizedUser(twanda);
    expect(Object.keys(normalized)).toEqual(USER_FIELDS);
    expect(normalized).toEqual({
      id: '6', name: 'Twanda9039', first_name: null, last_name: null, emails: [{ email: 'twanda@jamf.com', type: null, is_primary: true }],
      organization: null, is_active: null, avatar: null, created_at: null, updated_at: null, remote_data: twanda,
    });
  });
});

describe('withoutFields', () => {
  it('removes excluded fields, id and name included', () => {
    expect(withoutFields(toUnifiedUser(user28), ['id', 'name'], false)).toEqual({
      first_name: 'User', last_name: '28', emails: [{ email: 'User28@email.com', is_primary: true }], remote_data: user28 });
  });
  it('removes remote_data when told to ignore it', () => {
    expect(withoutFields(toNormalizedUser(twanda), undefined, true)).not.toHaveProperty('remote_data');
  });
  it('returns the user as it is when nothing is excluded', () => {
    const user = toUnifiedUser(user28);
    expect(withoutFields(user, [], false)).toBe(user);
  });
});

describe('helpers', () => {
  it.each([
    ['', {}], ['  ', {}], [undefined, {}], ['John', { first: 'John' }], ['John Doe', { first: 'John', last: 'Doe' }], [' John  Doe ', { first: 'John', last: 'Doe' }],
  ])('splits %j', (given, want) => expect(splitFullName(given)).toEqual(want));
  it.each([
    [[{ id: 1 }], [{ id: 1 }]], [{ id: 1 }, [{ id: 1 }]], [{ site: { id: 1 } }, [{ id: 1 }]], [{ site: [{ id: 1 }, { id: 2 }] }, [{ id: 1 }, { id: 2 }]], ['', []], [{}, []], [null, []],
  ])('reads the list %j', (given, want) => expect(listItems(given, 'site')).toEqual(want));
});

describe('the spec\'s response examples', () => {
  type Examples = Record<string, { value: unknown }>;
  /* eslint-disable @typescript-eslint/no-explicit-any -- walking the parsed YAML */
  const spec = parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi', 'mdm-users.yaml'), 'utf8')) as any;
  const operation = spec.paths['/unified/mdm/users/{id}'].patch;
  const request = (operation.requestBody.content['application/json'].examples as Examples).rename?.value as UpdateUserRequest;
  const responses = operation.responses['200'].content['application/json'].examples as Examples & Record<string, { summary?: string }>;
  const userId = spec.components.parameters.UserId.example as string;
  // The exclusions the example's summary names, as the reference writes them (truto_exclude_fields[]=id&…).
  const excluded = new URLSearchParams(String(responses.unifiedWithExclusions?.summary)).getAll('truto_exclude_fields[]') as UserField[];
  /* eslint-enable @typescript-eslint/no-explicit-any */

  it('are what the mapping answers for the reference user after the request example, in Jamf\'s simulator', async () => {
    const sim = await startJamfSimulator();
    try {
      const token = await oauthToken(sim);
      expect((await putUser(sim, token, userId, toJamfUserXml(request, userId))).status).toBe(201);
      const user = (await getUserJson(sim, token, Number(userId))) as JamfUser;
      expect(toUnifiedUser(user)).toEqual(responses.unified?.value);
      expect(withoutFields(toUnifiedUser(user), excluded, false)).toEqual(responses.unifiedWithExclusions?.value);
      expect(withoutFields(toNormalizedUser(user), undefined, true)).toEqual(responses.normalized?.value);
    } finally {
      await sim.close();
    }
  });
});
