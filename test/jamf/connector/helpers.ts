import { getEventListeners } from 'node:events';
import { Pool, type Dispatcher } from 'undici';
import { DEFAULT_CREDENTIALS, startJamfSimulator, type JamfSimulator, type SimulatorOptions } from '../../../src/jamf/simulator';
import { JamfConnector } from '../../../src/jamf/connector/connector';
import { jamfPoolOptions } from '../../../src/jamf/connector/pool-options';
import type { JamfAuth, JamfConnectorOptions, JamfContext } from '../../../src/jamf/connector/types';
import { type RemoteError } from '../../../src/errors';

export const client = DEFAULT_CREDENTIALS.clients[0] as { client_id: string; client_secret: string };
export const admin = DEFAULT_CREDENTIALS.users[0] as { username: string; password: string };

export const oauthAuth: JamfAuth = { type: 'client_credentials', ...client };
export const basicAuth: JamfAuth = { type: 'basic', ...admin };

export const ACCOUNT_ID = '0b8f3f2e-6c1d-4f4e-9a57-1f2d3c4b5a69';

/** A running simulator and the connectors made on it, all closed by `close()`. */
export interface Rig {
  sim: JamfSimulator;
  connector(context?: Partial<JamfContext>, options?: JamfConnectorOptions): JamfConnector;
  close(): Promise<void>;
}

export async function startRig(options: SimulatorOptions = {}): Promise<Rig> {
  const sim = await startJamfSimulator(options);
  const connectors: JamfConnector[] = [];
  return {
    sim,
    connector(context = {}, options = {}) {
      const connector = new JamfConnector({ instance_url: sim.url, auth: oauthAuth, ...context }, ACCOUNT_ID, options);
      connectors.push(connector);
      return connector;
    },
    async close() {
      await sim.close();
      await Promise.all(connectors.map((c) => c.close().catch(() => undefined)));
    },
  };
}

/**
 * A rig started before each test of the enclosing `describe` and closed after it. The rig answered reads
 * through to the current test's, so a test uses it as it would a rig of its own.
 */
export function rigPerTest(options: SimulatorOptions = {}): Rig {
  let current: Rig | undefined;
  beforeEach(async () => {
    current = await startRig(options);
  });
  afterEach(() => current?.close());
  const now = (): Rig => {
    if (current === undefined) throw new Error('rigPerTest: used outside a test');
    return current;
  };
  return {
    get sim() {
      return now().sim;
    },
    connector: (context, connectorOptions) => now().connector(context, connectorOptions),
    close: () => now().close(),
  };
}

/** The `<user>` body of a PUT setting `full_name`. */
export function fullNameXml(fullName: string): string {
  return `<user><full_name>${fullName}</full_name></user>`;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<RemoteError> {
  try {
    await promise;
  } catch (err) {
    return err as RemoteError;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** A real Pool to `url` with the connector's options, composed with an interceptor that records each request. */
export interface RecordingDispatcher {
  dispatcher: Dispatcher;
  /** Method and path (with query) of every request, in order. */
  requests: Array<{ method: string; path: string }>;
  /** Every distinct abort signal requests carried. */
  signals: Set<AbortSignal>;
  /** The most abort listeners a request's signal had when it was dispatched (undici's own included). */
  peakListeners: number;
  close(): Promise<void>;
}

export function recordingDispatcher(url: string, context: Partial<JamfContext> = {}): RecordingDispatcher {
  const pool = new Pool(new URL(url).origin, jamfPoolOptions({ instance_url: url, auth: oauthAuth, ...context }));
  const recorded: RecordingDispatcher = {
    requests: [],
    signals: new Set(),
    peakListeners: 0,
    dispatcher: pool.compose((dispatch) => (options, handler) => {
      recorded.requests.push({ method: options.method, path: options.path });
      const signal = (options as { signal?: AbortSignal }).signal; // request() passes its signal on to dispatch
      if (signal !== undefined) {
        recorded.signals.add(signal);
        recorded.peakListeners = Math.max(recorded.peakListeners, getEventListeners(signal, 'abort').length);
      }
      return dispatch(options, handler);
    }),
    close: () => pool.close(),
  };
  return recorded;
}
