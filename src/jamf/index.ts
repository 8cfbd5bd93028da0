/**
 * The Jamf Pro integration: mapping (unified ⇄ Jamf, pure functions), the connector (HTTP to a Jamf
 * Pro instance) and the simulator (a Jamf Pro stand-in for tests and the embedded default).
 */
import { JamfConnector } from './connector/connector';
import type { JamfConnectorOptions, JamfContext } from './connector/types';

export { toJamfUserXml, primaryEmail, singularOf } from './mapping/to-jamf';
export { toUnifiedUser, toNormalizedUser, withoutFields, USER_FIELDS } from './mapping/from-jamf';
export { remoteQueryString } from './mapping/remote-query';
export { JamfConnector } from './connector/connector';
export { jamfPoolOptions } from './connector/pool-options';
export type {
  CallEvent, CallOutcome, ConnectorEvents, JamfAuth, JamfConnectorOptions, JamfContext, JamfOperation, JamfUsersConnector,
  JamfUserEnvelope, JamfUserStream, SlotLimiter, TokenOutcome,
} from './connector/types';

/**
 * The connector of an integrated account to its Jamf Pro instance: what the server calls at start-up.
 * Without options it makes its own undici Pool and in-process limiter (and closes them on `close()`).
 */
export function createJamfConnector(context: JamfContext, accountId: string, options: JamfConnectorOptions = {}): JamfConnector {
  return new JamfConnector(context, accountId, options);
}
