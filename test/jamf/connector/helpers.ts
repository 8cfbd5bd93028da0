import { DEFAULT_CREDENTIALS, startJamfSimulator, type JamfSimulator, type SimulatorOptions } from '../../../src/jamf/simulator';
import { JamfConnector } from '../../../src/jamf/connector/jamf-connector';
import type { JamfAuth, JamfContext } from '../../../src/jamf/connector/types';
import { RemoteError } from '../../../src/errors';

export const client = DEFAULT_CREDENTIALS.clients[0] as { client_id: string; client_secret: string };
export const admin = DEFAULT_CREDENTIALS.users[0] as { username: string; password: string };

export const oauthAuth: JamfAuth = { type: 'client_credentials', ...client };
export const basicAuth: JamfAuth = { type: 'basic', ...admin };

export const ACCOUNT_ID = '0b8f3f2e-6c1d-4f4e-9a57-1f2d3c4b5a69';

/** A running simulator and the connectors made on it, all closed by `close()`. */
export interface Rig {
  sim: JamfSimulator;
  connector(context?: Partial<JamfContext>): JamfConnector;
  close(): Promise<void>;
}

export async function startRig(options: SimulatorOptions = {}): Promise<Rig> {
  const sim = await startJamfSimulator(options);
  const connectors: JamfConnector[] = [];
  return {
    sim,
    connector(context = {}) {
      const connector = new JamfConnector({ instance_url: sim.url, auth: oauthAuth, ...context }, ACCOUNT_ID);
      connectors.push(connector);
      return connector;
    },
    async close() {
      await sim.close();
      await Promise.all(connectors.map((c) => c.close().catch(() => undefined)));
    },
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
