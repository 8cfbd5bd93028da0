import type { JamfContext } from './types';

/** Defaults of an account's connection settings (the optional fields of its `context`). */
export const DEFAULTS = { timeout_ms: 30_000, max_concurrency: 5, max_queue: 1000 } as const;

/** An account's connection to Jamf, read from its context with the defaults filled in. */
export interface ConnectorSettings {
  /** `https://example.jamfcloud.com` */
  origin: string;
  /** The instance URL's path without a trailing slash (`''` for most instances), put before every request path. */
  basePath: string;
  timeoutMs: number;
  maxConcurrency: number;
  maxQueue: number;
}

/** Reads the connection settings of an integrated account's context. */
export function connectorSettings(context: JamfContext): ConnectorSettings {
  const url = new URL(context.instance_url);
  return {
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    timeoutMs: context.timeout_ms ?? DEFAULTS.timeout_ms,
    maxConcurrency: context.max_concurrency ?? DEFAULTS.max_concurrency,
    maxQueue: context.max_queue ?? DEFAULTS.max_queue,
  };
}
