import type { SimulatorUser } from './types';

/**
 * The users a simulator starts with. Ids 6 and 1 are Jamf's own sample payloads
 * (test/fixtures/jamf/classic_user_get_by_id.xml and .json; a test checks they still match),
 * 23423523 is a made-up user with one site. Each call returns fresh objects.
 */
export function seedUsers(): SimulatorUser[] {
  return [
    {
      id: 6,
      name: 'Twanda9039',
      full_name: '',
      email: 'twanda@jamf.com',
      email_address: 'twanda@jamf.com',
      phone_number: '',
      position: '',
      enable_custom_photo_url: false,
      custom_photo_url: '',
      ldap_server: { id: -1, name: 'None' },
      extension_attributes: [],
      sites: [],
      links: {
        computers: [{ id: 7, name: "Twanda's MacBook Air" }],
        peripherals: [],
        mobile_devices: [],
        vpp_assignments: [],
        total_vpp_code_count: 0,
      },
    },
    {
      id: 1,
      name: 'user28',
      full_name: 'User 28',
      email: 'User28@email.com',
      email_address: 'User28@email.com',
      phone_number: '612-605-6625',
      position: '',
      managed_apple_id: '',
      enable_custom_photo_url: false,
      custom_photo_url: '',
      ldap_server: { id: -1, name: 'None' },
      extension_attributes: [
        { id: 1, name: 'vip', type: 'String', value: '' },
        { id: 2, name: 'test user attribute', type: 'String', value: '' },
      ],
      sites: [],
      links: {
        computers: [
          { id: 16, name: 'Computer 3' },
          { id: 42, name: 'Computer 36' },
          { id: 85, name: 'Computer 96' },
        ],
        peripherals: [],
        mobile_devices: [
          { id: 1, name: 'Device 71' },
          { id: 28, name: 'Device 70' },
          { id: 31, name: 'Device 114' },
        ],
        vpp_assignments: [],
        total_vpp_code_count: 0,
      },
      user_groups: { size: 0 },
    },
    {
      id: 23423523,
      name: 'jdoe',
      full_name: 'John Doe',
      email: 'john.doe@example.com',
      email_address: 'john.doe@example.com',
      phone_number: '',
      position: '',
      managed_apple_id: '',
      enable_custom_photo_url: false,
      custom_photo_url: '',
      ldap_server: { id: -1, name: 'None' },
      extension_attributes: [],
      sites: [{ id: 1, name: 'Main' }],
      links: {
        computers: [],
        peripherals: [],
        mobile_devices: [],
        vpp_assignments: [],
        total_vpp_code_count: 0,
      },
      user_groups: { size: 0 },
    },
  ];
}
