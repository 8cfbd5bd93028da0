/**
 * An embedded Jamf Pro: a real HTTP server on loopback speaking the part of Jamf's Classic API
 * (`/JSSResource/users/id/{id}`) and token endpoints that the gateway uses, with fault injection
 * and counters for tests and benchmarks. Jamf facts it follows: the design notes on Jamf (jamf.md).
 */
import { SimulatorServer } from './server';
import type { JamfSimulator, SimulatorOptions } from './types';

export type {
  JamfObject,
  JamfSimulator,
  JamfValue,
  LocalJamfSimulator,
  ReceivedRequest,
  SimulatorCounters,
  SimulatorCredentials,
  SimulatorOptions,
  SimulatorUser,
  SimulatorUserStore,
} from './types';
export { SimulatorFaults, type FailOptions, type LargeFieldFault } from './faults';
export { DEFAULT_CREDENTIALS, DEFAULT_OAUTH_TTL_SECONDS, DEFAULT_USER_TTL_SECONDS } from './auth';
export { RECEIVED_LIMIT } from './counters';
export { STICKY_COOKIE_NAME } from './classic-api';
export { seedUsers } from './seed';
export { renderStatusPage } from './status-page';

/** Starts a simulator; it listens on `127.0.0.1` on a free port unless told otherwise. */
export function startJamfSimulator(options: SimulatorOptions = {}): Promise<JamfSimulator> {
  return SimulatorServer.start(options);
}
