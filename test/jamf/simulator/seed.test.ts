import { seedUsers, startJamfSimulator } from '../../../src/jamf/simulator';
import { ListItemNames } from '../../../src/jamf/simulator/list-items';
import { parseUserXml } from '../../../src/jamf/simulator/user-xml';
import { fixture } from './helpers';

/** Jamf's element order for a user (the JSON fixture's keys were sorted by its source, so order is checked here). */
const JAMF_USER_ORDER = [
  'id', 'name', 'full_name', 'email', 'email_address', 'phone_number', 'position', 'managed_apple_id',
  'enable_custom_photo_url', 'custom_photo_url', 'ldap_server', 'extension_attributes', 'sites', 'links', 'user_groups',
];
const JAMF_LINKS_ORDER = ['computers', 'peripherals', 'mobile_devices', 'vpp_assignments', 'total_vpp_code_count'];

function seeded(id: number) {
  const user = seedUsers().find((u) => u.id === id);
  if (user === undefined) throw new Error(`no seed user ${id}`);
  return user;
}

describe('seed users', () => {
  it('user 6 is Jamf\'s XML sample (classic_user_get_by_id.xml), element for element and in order', () => {
    const fromFixture = parseUserXml(fixture('classic_user_get_by_id.xml'), new ListItemNames());
    expect(seeded(6)).toStrictEqual(fromFixture);
    expect(JSON.stringify(seeded(6))).toBe(JSON.stringify(fromFixture));
  });

  it('user 1 is Jamf\'s JSON sample (classic_user_get_by_id.json)', () => {
    const fromFixture = (JSON.parse(fixture('classic_user_get_by_id.json')) as { user: unknown }).user;
    expect(seeded(1)).toStrictEqual(fromFixture);
  });

  it.each([1, 6, 23423523])('user %i keeps its elements in Jamf\'s order', (id) => {
    const user = seeded(id);
    const keys = Object.keys(user);
    expect(keys).toEqual(JAMF_USER_ORDER.filter((k) => keys.includes(k)));
    expect(Object.keys(user.links as object)).toEqual(JAMF_LINKS_ORDER);
  });

  it('user 23423523 is jdoe with one site', () => {
    expect(seeded(23423523)).toMatchObject({
      name: 'jdoe',
      full_name: 'John Doe',
      email: 'john.doe@example.com',
      email_address: 'john.doe@example.com',
      sites: [{ id: 1, name: 'Main' }],
    });
  });

  it('a simulator starts with the three seed users, or none with seed: false', async () => {
    const seededSim = await startJamfSimulator();
    const emptySim = await startJamfSimulator({ seed: false });
    try {
      expect(seededSim.users.list().map((u) => u.id)).toEqual([1, 6, 23423523]);
      expect(emptySim.users.list()).toEqual([]);
    } finally {
      await Promise.all([seededSim.close(), emptySim.close()]);
    }
  });
});
