import { startJamfSimulator, type JamfSimulator } from '../../../src/jamf/simulator';
import { createAccountRegistry, type AccountRegistry } from '../../../src/server/accounts/registry';
import { createApp } from '../../../src/server/app';
import { createLogger } from '../../../src/server/logger';
import { loadSpec, resolveRef } from '../../../src/server/spec';
import { listen } from '../../helpers/listen';

type Obj = Record<string, unknown>;
const spec = loadSpec();
const responses = ((((spec.paths as Obj)['/unified/mdm/users/{id}'] as Obj).patch as Obj).responses) as Obj;

/** The header names the spec declares for a status of the update (its own response, else its range's), lowercased. */
function declared(status: number): string[] {
  const node = responses[String(status)] ?? responses[`${String(status).charAt(0)}XX`];
  return Object.keys((resolveRef(spec, node).headers ?? {}) as Obj).map((name) => name.toLowerCase());
}

/** Headers of HTTP itself (framing, connection, date) and the media type, which OpenAPI describes as `content`. */
const PROTOCOL = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

/** Every header the server sends on the update, on every kind of answer, is one the spec declares for that status. */
describe('headers of the update', () => {
  const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
  const LIMITED = '5b7f2a9c-1d3e-4f60-8a7b-9c0d1e2f3a4b';
  let simulator: JamfSimulator;
  let accounts: AccountRegistry;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    simulator = await startJamfSimulator();
    const context = { instance_url: simulator.url, auth: { type: 'client_credentials' as const, client_id: 'sim-client', client_secret: 'sim-secret' } };
    accounts = createAccountRegistry([
      { id: ACCOUNT, integration: 'jamf', context },
      { id: LIMITED, integration: 'jamf', context, rateLimit: { requests: 1, seconds: 60 } },
    ]);
    server = await listen(createApp({ tokens: ['t'], accounts, logger: createLogger('silent'), responseValidation: 'fail', rateLimitPerToken: { requests: 1000, seconds: 60 } }));
  });
  afterAll(async () => {
    await server.close();
    await accounts.close();
    await simulator.close();
  });

  const send = (init: { id?: string; account?: string; query?: string; body?: string; token?: string; key?: string }) =>
    fetch(`${server.url}/unified/mdm/users/${init.id ?? '1'}?integrated_account_id=${init.account ?? ACCOUNT}${init.query ?? ''}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${init.token ?? 't'}`, 'content-type': 'application/json', ...(init.key ? { 'idempotency-key': init.key } : {}),
      },
      body: init.body ?? '{"name":"user28"}',
    });

  const cases: Array<{ name: string; status: number; send: () => Promise<Response>; expectHeaders: string[] }> = [
    { name: 'an update', status: 200, send: () => send({ key: 'k-200' }), expectHeaders: ['x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'] },
    { name: 'a replayed update', status: 200, send: () => send({ key: 'k-200' }), expectHeaders: ['idempotent-replayed'] },
    { name: 'an invalid body', status: 400, send: () => send({ body: '{}' }), expectHeaders: ['x-request-id', 'ratelimit-limit'] },
    { name: 'a wrong token', status: 401, send: () => send({ token: 'wrong' }), expectHeaders: ['x-request-id', 'www-authenticate'] },
    { name: 'an unknown account', status: 404, send: () => send({ account: '11111111-2222-4333-8444-555555555555' }), expectHeaders: ['ratelimit-limit'] },
    { name: 'Jamf\'s 409', status: 409, send: () => send({ id: '6' }), expectHeaders: ['x-request-id'] },
    { name: 'the account\'s rate limit', status: 429, send: async () => { await send({ account: LIMITED }); return send({ account: LIMITED }); }, expectHeaders: ['retry-after', 'ratelimit-reset'] },
    { name: 'Jamf\'s 503 with Retry-After', status: 503, send: () => { simulator.faults.failNext(3, 503, { retryAfter: 1 }); return send({}); }, expectHeaders: ['retry-after'] },
    { name: 'Jamf\'s 507', status: 507, send: () => { simulator.faults.failNext(1, 507); return send({}); }, expectHeaders: ['x-request-id'] },
  ];

  it.each(cases)('declares every header of $name ($status)', async ({ status, send: answer, expectHeaders }) => {
    const res = await answer();
    expect(res.status).toBe(status);
    const sent = [...res.headers.keys()].filter((name) => !PROTOCOL.has(name));
    for (const name of expectHeaders) expect(sent).toContain(name);
    expect(sent.filter((name) => !declared(status).includes(name))).toEqual([]);
  });
});
