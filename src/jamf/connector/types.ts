import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
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

/** Which Jamf call an event is about: the token request, the PUT of the user, or the GET that reads it back. */
export type JamfOperation = 'token' | 'put' | 'get';

/**
 * How one HTTP attempt ended: `ok` (a 2xx or 3xx head), `remote_error` (Jamf answered an error
 * status), `timeout` (deadline or undici timeout), `connection_error` (no answer: refused, reset, …).
 */
export type CallOutcome = 'ok' | 'remote_error' | 'timeout' | 'connection_error';

/** One HTTP attempt to Jamf, reported once its answer's head came (or it failed). */
export interface CallEvent {
  operation: JamfOperation;
  method: 'POST' | 'PUT' | 'GET';
  /** The request path without its query string (no values a caller sent, no secrets). */
  path: string;
  /** Jamf's status, when it answered. */
  status?: number;
  outcome: CallOutcome;
  /** Milliseconds from sending to the answer's head (or the failure). */
  ms: number;
  /** 1 for the first HTTP attempt of this call, 2 for the next (a retry or the try with a renewed token), … */
  attempt: number;
}

/** How a token request (shared by every caller waiting on it) ended; `rejected`: Jamf refused the credentials. */
export type TokenOutcome = 'ok' | 'rejected' | 'remote_error' | 'timeout' | 'connection_error';

/**
 * Optional observers, for metrics and debug logs; the connector works the same without them. A
 * callback that throws is ignored (it cannot fail a call). Queue gauges come from `load()`.
 */
export interface ConnectorEvents {
  /** Once per HTTP attempt (token request, PUT or GET). */
  call?(event: CallEvent): void;
  /** Once per retry (a pause before another attempt after a connection failure or a 502/503/504). */
  retry?(event: { operation: JamfOperation }): void;
  /** Once per token request, whatever number of callers waited on it. */
  tokenRequest?(event: { outcome: TokenOutcome }): void;
}

/**
 * What a connector may be given instead of making it: the HTTP dispatcher to Jamf (default: an undici
 * Pool with `jamfPoolOptions`), the slot limiter (default: an in-process `ConcurrencyLimiter`) and
 * event observers. The connector closes only what it made; an injected dispatcher or limiter is the
 * injector's to close.
 */
export interface JamfConnectorOptions {
  dispatcher?: Dispatcher;
  limiter?: SlotLimiter;
  events?: ConnectorEvents;
}
