import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { JamfUsersConnector } from '../../../src/jamf';
import { createHttpServer } from '../../../src/server/http-server';
import { createLogger } from '../../../src/server/logger';
import { readConfig } from '../../../src/server/config';
import { composeApp } from '../../../src/server/start';
import { storeReachable } from '../../../src/server/ops/health';
import type { StoreHealth } from '../../../src/server/stores/types';

const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
const accounts = [{ id: ACCOUNT, integration: 'jamf' as const, context: { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic' as const, username: 'u', password: 'p' } } }];

/** A connector whose updates wait until the test lets them go. */
function heldConnector(): { connector: JamfUsersConnector; started: () => number; release: () => void } {
  let started = 0;
  const waiting: Array<() => void> = [];
  return {
    connector: {
      updateUser: async (id) => { started++; await new Promise<void>((resolve) => waiting.push(resolve)); return { user: { id: Number(id), name: 'x' } }; },
      updateUserStream: () => Promise.reject(new Error('not used')),
      close: () => Promise.resolve(),
    },
    started: () => started,
    release: () => { for (const resolve of waiting.splice(0)) resolve(); },
  };
}

async function serve(backendAccounts: typeof accounts, connector?: JamfUsersConnector, stores: StoreHealth[] = []) {
  const composed = composeApp(readConfig({ MDM_API_TOKENS: 'tok' }), createLogger('silent'), { accounts: backendAccounts, ...(connector ? { connectorFor: () => connector } : {}) }, stores);
  const server = createHttpServer(composed.app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { ...composed, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('/healthz and /readyz', () => {
  it('answer 200 without a token while the server can serve', async () => {
    const { server, url } = await serve(accounts);
    try {
      const health = await fetch(`${url}/healthz`);
      expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
      const ready = await fetch(`${url}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('/readyz answers 503 in the envelope when no accounts are loaded', async () => {
    const { server, url } = await serve([]);
    try {
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        statusCode: 503, error: 'Service Unavailable', message: 'Not ready: No integrated accounts are loaded.',
        errors: [{ path: 'readiness', message: 'No integrated accounts are loaded.', error_code: 'not_ready' }],
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('/readyz answers 503 as soon as draining starts, while /healthz stays 200', async () => {
    const held = heldConnector();
    const { server, url, shutdown } = await serve(accounts, held.connector);
    const update = fetch(`${url}/unified/mdm/users/6?integrated_account_id=${ACCOUNT}`, { method: 'PATCH', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' }, body: '{"name":"x"}' });
    while (held.started() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const drained = shutdown.drain(server, 10_000);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { message: string }).message).toBe('Not ready: The server is shutting down (draining requests in flight).');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    held.release();
    expect((await update).status).toBe(200);
    await drained;
  });

  it('/readyz answers 503 naming a shared store the server depends on that is not reachable', async () => {
    const { server, url } = await serve(accounts, undefined, [{ name: 'Redis', ping: () => Promise.reject(new Error('ECONNREFUSED')) }]);
    try {
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { message: string }).message).toBe('Not ready: Redis (a shared store this server depends on) is not reachable.');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('counts a shared store as missing when its ping fails or does not answer in time', async () => {
    expect(await storeReachable({ name: 'Redis', ping: () => Promise.resolve() })()).toBeUndefined();
    expect(await storeReachable({ name: 'Redis', ping: () => Promise.reject(new Error('ECONNREFUSED')) })()).toBe('Redis (a shared store this server depends on) is not reachable.');
    expect(await storeReachable({ name: 'Redis', ping: () => new Promise(() => undefined) })()).toBe('Redis (a shared store this server depends on) is not reachable.');
  });
});
