/**
 * The Jamf Pro integration: mapping (unified ⇄ Jamf, pure functions), the connector (HTTP to a Jamf
 * Pro instance) and the simulator (a Jamf Pro stand-in for tests and the embedded default).
 */
export { toJamfUserXml, primaryEmail, singularOf } from './mapping/to-jamf';
export { toUnifiedUser, toNormalizedUser, withoutFields, USER_FIELDS } from './mapping/from-jamf';
export { remoteQueryString } from './mapping/remote-query';
export { JamfConnector } from './connector/jamf-connector';
export type { JamfAuth, JamfContext, JamfUsersConnector, JamfUserEnvelope, JamfUserStream } from './connector/types';
