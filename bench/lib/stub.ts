import type { JamfUserEnvelope, JamfUsersConnector } from '../../src/jamf/connector/types';
import type { AccountConfig } from '../../src/server/accounts/accounts-file';
import { ACCOUNT_ID, JAMF_USER_JSON } from '../common';

/** The bench's integrated account for the stub: its Jamf address is never called (the StubConnector answers). */
export const STUB_ACCOUNTS: AccountConfig[] = [
  { id: ACCOUNT_ID, integration: 'jamf', context: { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic', username: 'u', password: 'p' } } },
];

/** Stands in for Jamf: answers the user as Jamf's JSON, parsed afresh each time as the real connector does. */
export class StubConnector implements JamfUsersConnector {
  updateUser(_id: string, _xml: string, _query: string): Promise<JamfUserEnvelope> {
    return Promise.resolve(JSON.parse(JAMF_USER_JSON) as JamfUserEnvelope);
  }
  updateUserStream(): Promise<never> {
    return Promise.reject(new Error('the stub connector does not stream'));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
