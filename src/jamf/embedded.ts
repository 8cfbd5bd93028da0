import { randomBytes } from 'node:crypto';
import type { JamfSimulator } from './simulator';
import type { JamfContext } from './connector/types';

/** An embedded Jamf Pro simulator and the account context that reaches it. */
export interface EmbeddedJamf {
  simulator: JamfSimulator;
  /** The `context` of an integrated account on the simulator (API client credentials made for this run). */
  context: JamfContext;
}

/**
 * Jamf calls the demo account may have in flight at once. The connector's default of 5 is Jamf's guidance
 * for protecting a real instance; the simulator has nothing to protect, and at 5 every caller of the demo
 * beyond the fifth queued in the slot limiter for nothing (bench variant m, ABBA-paired against 5: +16-19 %
 * requests/s with 10, +5-13 % with 20 on a busier machine, 10-12 % less CPU per request). Still finite, so the
 * limiter and its queue stay in play for larger bursts.
 */
export const EMBEDDED_MAX_CONCURRENCY = 20;

/**
 * Starts the embedded Jamf Pro simulator on loopback, with one API client made for this run. The
 * simulator's modules are loaded here, on first need, so that a server on real Jamf instances never loads them.
 */
export async function startEmbeddedJamf(): Promise<EmbeddedJamf> {
  // Loaded on first need (not imported at the top), so that only a server whose backend it is loads the simulator.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startJamfSimulator } = require('./simulator') as typeof import('./simulator');
  const client = { client_id: 'mdm-users-demo', client_secret: randomBytes(24).toString('base64url') };
  const simulator = await startJamfSimulator({ credentials: { clients: [client], users: [] } });
  return { simulator, context: { instance_url: simulator.url, auth: { type: 'client_credentials', ...client }, max_concurrency: EMBEDDED_MAX_CONCURRENCY } };
}
