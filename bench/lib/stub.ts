import type { JamfUserEnvelope, JamfUsersConnector } from '../../src/jamf/connector/types';
import { JAMF_USER_JSON } from '../common';

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
