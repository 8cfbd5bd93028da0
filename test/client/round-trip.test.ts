import express, { type Request } from 'express';
import { createMdmUsersClient } from '../../src/client';
import { errorHandler } from '../../src/server/middleware/error-handler';
import { createLogger } from '../../src/server/logger';
import { parseQueryOnce } from '../../src/server/middleware/query';
import { openApiValidator } from '../../src/server/validation';
import { listen } from '../helpers/listen';

/**
 * The generated client against an Express app running the server's own query parsing and
 * express-openapi-validator on the spec: what the server's handler sees must equal what was sent.
 */
describe('client ⇄ validated server round trip', () => {
  const seen: Array<{ params: Request['params']; query: unknown; body: unknown }> = [];
  let close: () => Promise<void>;
  let url: string;
  const logger = createLogger('silent');

  beforeAll(async () => {
    const app = express();
    app.set('query parser', false);
    app.use(parseQueryOnce);
    app.use(express.json());
    app.use(openApiValidator());
    app.patch('/unified/mdm/users/:id', (req, res) => {
      seen.push({ params: { ...req.params }, query: JSON.parse(JSON.stringify(req.query)), body: req.body });
      res.json({ id: req.params.id, name: (req.body as { name: string }).name });
    });
    app.use(errorHandler(logger));
    ({ url, close } = await listen(app));
  });
  afterAll(() => close());
  beforeEach(() => { seen.length = 0; });

  const client = () => createMdmUsersClient({ baseUrl: url, token: 'any' });
  const accountId = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
  /** What the validator fills in for parameters left out (the spec's defaults). */
  const defaults = { truto_response_format: 'unified', truto_ignore_remote_data: false };
  const fields = ['id', 'name', 'first_name', 'last_name', 'emails', 'organization', 'is_active', 'avatar', 'created_at', 'updated_at', 'remote_data'] as const;

  it('delivers the reference example exactly', async () => {
    const { data, response } = await client().PATCH('/unified/mdm/users/{id}', {
      params: { path: { id: '23423523' }, query: { integrated_account_id: accountId, truto_response_format: 'unified', truto_exclude_fields: ['id', 'name'], remote_query: { foo: 'bar' } } },
      body: { name: 'jdoe2' },
    });
    expect(response.status).toBe(200);
    expect(data).toEqual({ id: '23423523', name: 'jdoe2' });
    expect(seen).toEqual([{
      params: { id: '23423523' },
      query: { ...defaults, integrated_account_id: accountId, truto_response_format: 'unified', truto_exclude_fields: ['id', 'name'], remote_query: { foo: 'bar' } },
      body: { name: 'jdoe2' },
    }]);
  });

  it('keeps an array of 25 items an array, in order', async () => {
    const many = Array.from({ length: 25 }, (_, i) => fields[i % fields.length] as (typeof fields)[number]);
    const { response } = await client().PATCH('/unified/mdm/users/{id}', {
      params: { path: { id: '1' }, query: { integrated_account_id: accountId, truto_exclude_fields: many } }, body: { name: 'x' },
    });
    expect(response.status).toBe(200);
    expect((seen[0]?.query as { truto_exclude_fields: string[] }).truto_exclude_fields).toEqual(many);
  });

  it('keeps nested remote_query objects, booleans and unicode', async () => {
    const remote = { a: { b: 'c', d: { e: 'ünïcødé ✓ 日本' } }, 'x y': 'a&b=c', plus: '1+1' };
    const body = { name: 'Zoë «名前» <&>"\'', emails: [{ email: 'zoë@exämple.com', type: 'work', is_primary: true }], remote_data: { full_name: '🎉', sites: [{ id: 1, name: 'Main' }] } };
    const { response } = await client().PATCH('/unified/mdm/users/{id}', {
      params: { path: { id: '6' }, query: { integrated_account_id: accountId, truto_ignore_remote_data: true, remote_query: remote } }, body,
    });
    expect(response.status).toBe(200);
    expect(seen[0]).toEqual({ params: { id: '6' }, query: { ...defaults, integrated_account_id: accountId, truto_ignore_remote_data: true, remote_query: remote }, body });
  });

  it('accepts the x=a&x=b, x[0]=a&x[1]=b (brackets as written or percent-encoded, as Truto\'s SDK sends them) and x=a,b forms, more than 20 items of each', async () => {
    const many = Array.from({ length: 30 }, (_, i) => fields[i % fields.length] as string);
    for (const form of [
      many.map((f) => `truto_exclude_fields=${f}`),
      many.map((f, i) => `truto_exclude_fields[${i}]=${f}`),
      many.map((f, i) => `truto_exclude_fields%5B${i}%5D=${f}`),
      [`truto_exclude_fields=${many.join(',')}`],
      [`truto_exclude_fields=${many.join('%2C')}`],
    ]) {
      seen.length = 0;
      const res = await fetch(`${url}/unified/mdm/users/1?integrated_account_id=${accountId}&${form.join('&')}`, {
        method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}',
      });
      expect(res.status).toBe(200);
      expect((seen[0]?.query as { truto_exclude_fields: string[] }).truto_exclude_fields).toEqual(many);
    }
  });

  it('delivers the reference example in the shape Truto\'s SDK writes it (indexed arrays and nested objects, brackets percent-encoded)', async () => {
    const query = `integrated_account_id=${accountId}&truto_response_format=unified&truto_exclude_fields%5B0%5D=id&truto_exclude_fields%5B1%5D=name`
      + '&remote_query%5Bfoo%5D=bar&remote_query%5Ba%5D%5Bb%5D=c%20d';
    const res = await fetch(`${url}/unified/mdm/users/23423523?${query}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"name":"jdoe2"}' });
    expect(res.status).toBe(200);
    expect(seen).toEqual([{
      params: { id: '23423523' },
      query: { ...defaults, integrated_account_id: accountId, truto_response_format: 'unified', truto_exclude_fields: ['id', 'name'], remote_query: { foo: 'bar', a: { b: 'c d' } } },
      body: { name: 'jdoe2' },
    }]);
  });

  const bad: Array<{ name: string; query: string; body?: string; path?: string }> = [
    { name: 'a bad uuid', query: 'integrated_account_id=not-a-uuid' },
    { name: 'a missing integrated_account_id', query: '' },
    { name: 'an unknown truto_response_format', query: `integrated_account_id=${accountId}&truto_response_format=xml` },
    { name: 'a non-boolean truto_ignore_remote_data', query: `integrated_account_id=${accountId}&truto_ignore_remote_data=maybe` },
    { name: 'an unknown query parameter', query: `integrated_account_id=${accountId}&foo=bar` },
    { name: 'an unknown field to exclude', query: `integrated_account_id=${accountId}&truto_exclude_fields[]=nmae` },
    { name: 'remote_query that is not an object', query: `integrated_account_id=${accountId}&remote_query=foo` },
    { name: 'a missing name', query: `integrated_account_id=${accountId}`, body: '{"emails":[]}' },
    { name: 'a name of the wrong type', query: `integrated_account_id=${accountId}`, body: '{"name":42}' },
    { name: 'an email that is not an address', query: `integrated_account_id=${accountId}`, body: '{"name":"x","emails":[{"email":"not-an-email"}]}' },
    { name: 'an unknown body field', query: `integrated_account_id=${accountId}`, body: '{"name":"x","nickname":"y"}' },
    { name: 'malformed JSON', query: `integrated_account_id=${accountId}`, body: '{"name":' },
    { name: 'a non-numeric user id', query: `integrated_account_id=${accountId}`, path: 'abc' },
  ];
  it.each(bad)('refuses $name with 400 in the error envelope', async ({ query, body, path }) => {
    const res = await fetch(`${url}/unified/mdm/users/${path ?? '1'}?${query}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: body ?? '{"name":"x"}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const envelope = (await res.json()) as Record<string, unknown>;
    expect(envelope).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    expect(seen).toHaveLength(0);
  });
});
