/**
 * Variant t, the thinnest gateway: plain node:http. For each request it reads (and ignores) the body,
 * sends Jamf the same PUT (the same XML and query the real gateway sends) and the same GET (with the
 * sticky cookie of the PUT) through the same HTTP client, an undici Pool with the connector's settings (jamfPoolOptions),
 * and answers the read-back user as Jamf sent it. No auth, validation, mapping or logging; one token
 * fetched at start.
 *
 * BENCH_UPSTREAM=<simulator url>, BENCH_MAX_CONCURRENCY (Pool connections, default 5).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { jamfPoolOptions } from '../../src/jamf';
import { announce, exitWithParent, JAMF_PUT_QUERY, JAMF_PUT_XML, JAMF_USER_PATH, SIM_CLIENT } from '../common';

const upstream = process.env.BENCH_UPSTREAM;
if (!upstream) throw new Error('BENCH_UPSTREAM must be the simulator URL');
const connections = Number(process.env.BENCH_MAX_CONCURRENCY ?? 5);
// The connector's own pool settings (src/jamf/connector/pool-options.ts), for an account with this max_concurrency.
const pool = new Pool(new URL(upstream).origin, jamfPoolOptions({ instance_url: upstream, auth: { type: 'client_credentials', ...SIM_CLIENT }, max_concurrency: connections }));

async function token(): Promise<string> {
  const res = await pool.request({
    method: 'POST',
    path: '/api/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...SIM_CLIENT }).toString(),
  });
  const body = (await res.body.json()) as { access_token?: string };
  if (res.statusCode !== 200 || !body.access_token) throw new Error(`token request answered ${res.statusCode}`);
  return body.access_token;
}

async function main(): Promise<void> {
  const authorization = `Bearer ${await token()}`;
  const server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      void (async () => {
        const put = await pool.request({
          method: 'PUT',
          path: `${JAMF_USER_PATH}?${JAMF_PUT_QUERY}`,
          headers: { 'content-type': 'application/xml', accept: 'application/xml', authorization },
          body: JAMF_PUT_XML,
        });
        await put.body.text();
        const setCookie = put.headers['set-cookie'];
        const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';', 1)[0];
        const get = await pool.request({
          method: 'GET',
          path: JAMF_USER_PATH,
          headers: { accept: 'application/json', authorization, ...(cookie ? { cookie } : {}) },
        });
        const text = await get.body.text();
        res.writeHead(put.statusCode < 300 && get.statusCode < 300 ? 200 : 502, { 'content-type': 'application/json; charset=utf-8' });
        res.end(text);
      })().catch(() => {
        res.writeHead(502).end();
      });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    announce(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  exitWithParent(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await pool.close();
  });
}

void main();
