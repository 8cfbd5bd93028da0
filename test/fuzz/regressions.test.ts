/** The bugs the fuzz suites found, pinned one by one (the suites find them again only by chance of the seed). */
import { toJamfUserXml } from '../../src/jamf/mapping/to-jamf';
import { parseQuery } from '../../src/server/middleware/query-parser';
import { ApiError } from '../../src/errors';
import { ACCOUNT_ID, API_TOKEN, startStack, type Stack } from '../helpers/stack';
import { FuzzClient } from './support';

describe('fuzz findings, pinned', () => {
  let stack: Stack;
  let client: FuzzClient;
  beforeAll(async () => {
    stack = await startStack();
    client = new FuzzClient(stack.url, 2);
  });
  afterAll(async () => {
    await client.close();
    await stack.close();
  });

  const patch = (query: string, body: string, headers: Record<string, string> = {}, method = 'PATCH') => client.send({
    method,
    target: `/unified/mdm/users/23423523?integrated_account_id=${ACCOUNT_ID}${query}`,
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
  });

  it('writes CR as &#13;, so Jamf stores CR and CRLF as sent (a literal CR is read back as LF)', async () => {
    expect(toJamfUserXml({ name: 'a\r\nb', remote_data: { position: 'x\ry' } })).toBe('<user><name>a&#13;\nb</name><position>x&#13;y</position></user>');
    const res = await patch('', JSON.stringify({ name: 'jdoe\r\n', remote_data: { position: '1\r2\r\n3' } }));
    expect(res.status).toBe(200);
    expect(stack.simulator.users.get(23423523)).toMatchObject({ name: 'jdoe\r\n', position: '1\r2\r\n3' });
  });

  it.each([
    ['__proto__=1', '__proto__'],
    ['__proto__[polluted]=1', '__proto__'],
    ['%5F%5Fproto%5F%5F=1', '__proto__'],
    ['remote_query[__proto__][x]=1', '__proto__'],
    ['remote_query[a][constructor]=1', 'constructor'],
    ['remote_query[prototype]=1', 'prototype'],
  ])('refuses the query key in %s (qs dropped __proto__ silently; remote_query was forwarded unvalidated)', async (query, reserved) => {
    expect(() => parseQuery(query)).toThrow(ApiError);
    const res = await patch(`&${query}`, '{"name":"jdoe"}');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ statusCode: 400, errors: [{ error_code: 'reserved' }] });
    expect(res.text).toContain(reserved);
  });

  it.each(['[[x]]=1', '[=1', '[[]]=1'])('refuses the unpaired brackets of %s (the validator dropped such keys)', async (query) => {
    const res = await patch(`&${query}`, '{"name":"jdoe"}');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('keeps the bracket forms that are objects: remote_query[a][b]=c still reaches Jamf as a[b]=c', async () => {
    const res = await patch('&remote_query[a][b]=c', '{"name":"jdoe"}');
    expect(res.status).toBe(200);
    expect([...stack.simulator.received].reverse().find((r) => r.method === 'PUT')?.query).toBe('a[b]=c');
  });

  it('answers 405 with Allow: PATCH for a method the path lacks', async () => {
    const res = await patch('', '{"name":"jdoe"}', {}, 'POST');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('PATCH');
    expect(JSON.parse(res.text)).toMatchObject({ statusCode: 405, error: 'Method Not Allowed' });
  });

  it('says how to fix a body that does not decompress as its Content-Encoding says', async () => {
    const res = await patch('', '{"name":"jdoe"}', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).message).toMatch(/could not be decompressed.*Content-Encoding/);
  });
});
