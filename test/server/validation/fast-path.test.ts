import fc from 'fast-check';
import type { Express } from 'express';
import { createAccountRegistry } from '../../../src/server/accounts/registry';
import { createApp } from '../../../src/server/app';
import { createLogger } from '../../../src/server/logger';
import type { ValidationCounts } from '../../../src/server/validation/fast-path';
import type { JamfUsersConnector } from '../../../src/jamf/connector/types';
import { listen } from '../../helpers/listen';
import { ACCOUNT_ID, API_TOKEN } from '../../helpers/stack';
import { malformedRequest } from '../../fuzz/malformed-requests';
import { FuzzClient, mapConcurrently, type WireRequest, type WireResponse } from '../../fuzz/support';
import { emails, remoteData, remoteQuery, xmlText } from '../../fuzz/valid-updates';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

/** A Jamf stand-in answering the same user for every update, so that both apps' answers can be compared byte for byte. */
const stub: JamfUsersConnector = {
  updateUser: (id) => Promise.resolve({ user: { id: Number(id), name: 'same', full_name: 'Ada Lovelace', email: 'ada@example.com', sites: [{ id: 1, name: 'Main' }] } }),
  updateUserStream: () => Promise.reject(new Error('not used')),
  close: () => Promise.resolve(),
};

async function serve(fastValidation: boolean) {
  const accounts = createAccountRegistry([{ id: ACCOUNT_ID, integration: 'jamf', context: { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic', username: 'u', password: 'p' } } }], () => stub);
  const app: Express = createApp({ tokens: [API_TOKEN], accounts, logger: createLogger('silent'), responseValidation: 'fail', fastValidation });
  const server = await listen(app);
  return { ...server, counts: app.locals.validationCounts as ValidationCounts, client: new FuzzClient(server.url, 8) };
}

const enc = encodeURIComponent;
const FIELDS = ['id', 'name', 'first_name', 'last_name', 'emails', 'organization', 'is_active', 'avatar', 'created_at', 'updated_at', 'remote_data'];

/** Valid updates in every wire form the API accepts, with optional parameters and an idempotency key. */
const validRequest: fc.Arbitrary<WireRequest> = fc.record({
  id: fc.constantFrom('1', '6', '23423523', '42'),
  name: xmlText(4).filter((n) => n.length >= 1 && n.length <= 255),
  emails,
  remote_data: fc.option(remoteData, { nil: undefined }),
  query: remoteQuery,
  format: fc.option(fc.constantFrom('unified', 'normalized', 'raw'), { nil: undefined }),
  ignore: fc.option(fc.boolean(), { nil: undefined }),
  exclude: fc.option(fc.tuple(fc.subarray(FIELDS), fc.constantFrom('[]', '', 'indexed')), { nil: undefined }),
  key: fc.option(fc.uuid(), { nil: undefined }),
}).map((r) => {
  const parts = [`integrated_account_id=${ACCOUNT_ID}`];
  if (r.format) parts.push(`truto_response_format=${r.format}`);
  if (r.ignore !== undefined) parts.push(`truto_ignore_remote_data=${r.ignore}`);
  if (r.exclude) {
    const [fields, form] = r.exclude;
    fields.forEach((f, i) => parts.push(`truto_exclude_fields${form === 'indexed' ? `[${i}]` : form}=${f}`));
  }
  for (const [path, value] of r.query) parts.push(`remote_query${path.map((p) => `[${enc(p)}]`).join('')}=${enc(value)}`);
  const body: Record<string, unknown> = { name: r.name };
  if (r.emails !== undefined) body.emails = r.emails;
  if (r.remote_data !== undefined) body.remote_data = r.remote_data;
  const headers: Record<string, string> = { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' };
  if (r.key) headers['idempotency-key'] = r.key;
  return { method: 'PATCH', target: `/unified/mdm/users/${r.id}?${parts.join('&')}`, headers, body: JSON.stringify(body) };
});

/** What a caller sees of an answer: status, the headers that carry meaning, and the body. */
function seen(res: WireResponse): unknown {
  const pick = ['content-type', 'allow', 'www-authenticate', 'retry-after', 'idempotent-replayed'];
  return { status: res.status, headers: Object.fromEntries(pick.map((h) => [h, res.headers[h]])), body: res.text };
}

describe('the fast validation path', () => {
  let fast: Awaited<ReturnType<typeof serve>>;
  let full: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => { [fast, full] = await Promise.all([serve(true), serve(false)]); });
  afterAll(async () => { await Promise.all([fast.client.close(), full.client.close(), fast.close(), full.close()]); });

  it('takes the reference example, and leaves malformed requests to the full validator', async () => {
    const before = { ...fast.counts };
    const example = await fast.client.send({
      method: 'PATCH',
      target: `/unified/mdm/users/23423523?integrated_account_id=${ACCOUNT_ID}&truto_response_format=unified&truto_exclude_fields[]=id&truto_exclude_fields[]=name&remote_query[foo]=bar`,
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: '{"name":"jdoe2","emails":[{"email":"john.doe@example.com","type":"work","is_primary":true}]}',
    });
    expect(example.status).toBe(200);
    expect(fast.counts).toEqual({ fast: before.fast + 1, full: before.full });
    const bad = await fast.client.send({ method: 'PATCH', target: `/unified/mdm/users/1?integrated_account_id=${ACCOUNT_ID}`, headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: '{"name":42}' });
    expect(bad.status).toBe(400);
    // Not judged fast: the full validator refused it (`full` counts only what it lets through).
    expect(fast.counts).toEqual({ fast: before.fast + 1, full: before.full });
  });

  it('answers 1,000 valid and 2,000 malformed requests exactly as express-openapi-validator alone does', async () => {
    const valid = fc.sample(validRequest, { numRuns: 1000, seed: SEED });
    const malformed = fc.sample(malformedRequest, { numRuns: 2000, seed: SEED }).filter((c) => !c.head).map((c) => c.req);
    const differences: string[] = [];
    const before = { ...fast.counts };
    await mapConcurrently([...valid, ...malformed], 8, async (req) => {
      const [a, b] = await Promise.all([fast.client.send(req), full.client.send(req)]);
      const [x, y] = [JSON.stringify(seen(a)), JSON.stringify(seen(b))];
      if (x !== y && differences.length < 5) differences.push(`${req.method} ${req.target.slice(0, 200)}\n fast: ${x.slice(0, 300)}\n full: ${y.slice(0, 300)}`);
    });
    expect(differences).toEqual([]);
    // The fast path judged (nearly) every valid request itself; the full one every malformed request that reached the route.
    expect(fast.counts.fast - before.fast).toBeGreaterThanOrEqual(valid.length * 0.99);
  });
});
