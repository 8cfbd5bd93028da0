import type { Readable } from 'node:stream';
import type { components } from '../../../generated/mdm-users';

export type JamfUserEnvelope = components['schemas']['JamfUserEnvelope'];

/** How the connector signs in to Jamf Pro. */
export type JamfAuth =
  | { type: 'client_credentials'; client_id: string; client_secret: string }
  | { type: 'basic'; username: string; password: string };

/** An integrated account's connection to one Jamf Pro instance (the `context` of the accounts file). */
export interface JamfContext {
  instance_url: string;
  auth: JamfAuth;
  /** Deadline of every Jamf call, queueing and retries included. Default 30000. */
  timeout_ms?: number;
  /** Most Jamf requests in flight at once for this instance. Default 5 (Jamf's guidance). */
  max_concurrency?: number;
  /** Most updates waiting for a free slot; beyond it callers get 503. Default 1000. */
  max_queue?: number;
}

/** Jamf's XML of a user, streamed through as it arrives. */
export interface JamfUserStream {
  contentType: string;
  body: Readable;
}

/**
 * What the Update Users handler needs of Jamf: write a `<user>` and read the user back, as JSON or as
 * the raw XML stream. Implemented over HTTP by {@link JamfConnector}; anything else (a stub) may stand in.
 */
export interface JamfUsersConnector {
  /** `PUT /JSSResource/users/id/{id}?{query}` with `xml`, then `GET` of the same user as JSON. */
  updateUser(id: string, xml: string, query: string): Promise<JamfUserEnvelope>;
  /** The same write, then the `GET` as Jamf's XML bytes, not buffered. */
  updateUserStream(id: string, xml: string, query: string): Promise<JamfUserStream>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

/**
 * The per-account cap on Jamf calls in flight (`max_concurrency`) with a bounded queue (`max_queue`).
 * In one process a {@link ConcurrencyLimiter}; in a fleet a shared (Redis) version. A slot is only
 * ever held for the duration of `run`, so no caller can leak one.
 */
export interface SlotLimiter {
  readonly max: number;
  /**
   * Runs `task` holding one slot, waiting in line for it until `signal` aborts (rejecting with the
   * signal's reason); a full queue rejects at once with a 503 `ApiError` carrying `Retry-After`.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Calls running and waiting now (in this process). */
  load(): { running: number; waiting: number };
  /** Gives up whatever the limiter holds outside this process (leases); a no-op in memory. */
  close(): Promise<void>;
}
