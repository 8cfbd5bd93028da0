import type { Pool } from 'undici';
import { connectorSettings, type ConnectorSettings } from './settings';
import type { JamfContext } from './types';

/** Longest wait for a TCP (and TLS) connection to Jamf, however long `timeout_ms` is. */
export const MAX_CONNECT_TIMEOUT_MS = 10_000;

/**
 * The undici Pool options of an account's connection to Jamf: `max_concurrency` keep-alive
 * connections, no pipelining, and `timeout_ms` as the wait for an answer's head and between body chunks.
 * The connector's default dispatcher is `new Pool(origin, jamfPoolOptions(context))`; bench reuses it.
 */
export function jamfPoolOptions(context: JamfContext): Pool.Options {
  return poolOptionsOf(connectorSettings(context));
}

/** {@link jamfPoolOptions} from settings already read (the connector's own, so its context is not read twice). */
export function poolOptionsOf({ timeoutMs, maxConcurrency }: ConnectorSettings): Pool.Options {
  return {
    connections: maxConcurrency,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: Math.min(timeoutMs, MAX_CONNECT_TIMEOUT_MS) },
  };
}
