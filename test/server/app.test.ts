import { createAccountRegistry } from '../../src/server/accounts/registry';
import { createApp, pipeline, TO_API } from '../../src/server/app';
import { GracefulShutdown } from '../../src/server/http-server';
import { createLogger } from '../../src/server/logger';
import type { JamfUsersConnector } from '../../src/jamf/connector/types';
import { listen } from '../helpers/listen';

const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
const stub: JamfUsersConnector = {
  updateUser: (id) => Promise.resolve({ user: { id: Number(id), name: 'x' } }),
  updateUserStream: () => Promise.reject(new Error('not used')),
  close: () => Promise.resolve(),
};
const options = () => ({
  tokens: ['t'],
  accounts: createAccountRegistry([{ id: ACCOUNT, integration: 'jamf', context: { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic' as const, username: 'u', password: 'p' } } }], () => stub),
  logger: createLogger('silent'),
  responseValidation: 'fail' as const,
  shutdown: new GracefulShutdown(),
});

describe('the request pipeline', () => {
  it('runs its steps in the order a request meets them', () => {
    expect(pipeline(options()).map((step) => step.name)).toEqual([
      'request id and request log', 'shutdown tracker', 'docs and the spec', 'bearer auth', 'per-token rate limit',
      'query parsing', 'JSON body', 'validation, account, idempotency, account rate limit, handler', 'no route', 'error envelope',
    ]);
  });

  it('answers through every step: an update, an unknown route and a request without a token', async () => {
    const server = await listen(createApp(options()));
    try {
      const update = await fetch(`${server.url}/unified/mdm/users/7?integrated_account_id=${ACCOUNT}`, { method: 'PATCH', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"name":"x"}' });
      expect(update.status).toBe(200);
      expect(update.headers.get('x-request-id')).toBeTruthy();
      expect(await update.json()).toMatchObject({ id: '7', name: 'x' });
      expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
      expect((await fetch(`${server.url}/unified/mdm/users/7?integrated_account_id=${ACCOUNT}`, { method: 'PATCH' })).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('ends the operation in the handler it is given', async () => {
    const server = await listen(createApp({ ...options(), handler: (_req, res) => { res.status(200).json({ id: 'fixed', name: 'fixed' }); } }));
    try {
      const res = await fetch(`${server.url}/unified/mdm/users/7?integrated_account_id=${ACCOUNT}`, { method: 'PATCH', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"name":"x"}' });
      expect(await res.json()).toEqual({ id: 'fixed', name: 'fixed' });
    } finally {
      await server.close();
    }
  });

  it('guards every path the operation answers: the API steps match /unified as Express routes do, in any case', async () => {
    const server = await listen(createApp(options()));
    const patch = (path: string, token?: string) => fetch(`${server.url}${path}?integrated_account_id=${ACCOUNT}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: '{"name":"x"}',
    });
    try {
      for (const path of ['/UNIFIED/mdm/users/7', '/Unified/MDM/Users/7', '/unified/mdm/users/7/']) {
        expect([path, (await patch(path)).status]).toEqual([path, 401]);
        expect([path, (await patch(path, 't')).status]).toEqual([path, 200]);
      }
    } finally {
      await server.close();
    }
  });

  it('tells API paths from the rest as a mount on /unified would', () => {
    const at = (path: string) => TO_API({ path } as Parameters<typeof TO_API>[0]);
    expect(['/unified', '/unified/', '/unified/mdm/users/1', '/UNIFIED/x'].map(at)).toEqual([true, true, true, true]);
    expect(['/', '/unifiedx', '/docs', '/x/unified', '//unified'].map(at)).toEqual([false, false, false, false, false]);
  });

  it('answers the docs and operations routes to GET and HEAD only, other methods get the error envelope', async () => {
    const server = await listen(createApp({ ...options(), ops: { readiness: [] } }));
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
      expect((await fetch(`${server.url}/openapi.json`, { method: 'HEAD' })).status).toBe(200);
      // /healthz is in the spec for GET, so the validator names the method; /docs is not, so it is no route.
      const post = await fetch(`${server.url}/healthz`, { method: 'POST' });
      expect([post.status, await post.json()]).toEqual([405, expect.objectContaining({ message: 'POST method not allowed' })]);
      const del = await fetch(`${server.url}/docs`, { method: 'DELETE' });
      expect([del.status, await del.json()]).toEqual([404, expect.objectContaining({ message: 'No route for DELETE /docs.' })]);
    } finally {
      await server.close();
    }
  });
});
