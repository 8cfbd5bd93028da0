import { startJamfSimulator } from '../../../src/jamf/simulator';
import { readConfig } from '../../../src/server/config';
import { createLogger } from '../../../src/server/logger';
import { composeApp } from '../../../src/server/start';
import { listen } from '../../helpers/listen';
import { parseExposition, valueOf, type Sample } from './scrape';

const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
const LIMITED = '3c1e0f4e-0f7e-4b55-a7d4-6f3b1d9c0e03';
const ROUTE = '/unified/mdm/users/:id';

describe('GET /metrics after real requests', () => {
  let jamf: Awaited<ReturnType<typeof startJamfSimulator>>;
  let server: Awaited<ReturnType<typeof listen>>;
  let close: () => Promise<void>;
  beforeAll(async () => {
    jamf = await startJamfSimulator({ credentials: { clients: [{ client_id: 'c', client_secret: 's' }], users: [] } });
    const context = { instance_url: jamf.url, auth: { type: 'client_credentials' as const, client_id: 'c', client_secret: 's' } };
    const config = readConfig({ MDM_API_TOKENS: 'token-a,token-b', MDM_RATE_LIMIT_PER_TOKEN: '6/60s', MDM_RESPONSE_VALIDATION: 'fail' });
    const composed = composeApp(config, createLogger('silent'), { accounts: [
      { id: ACCOUNT, integration: 'jamf', context },
      { id: LIMITED, integration: 'jamf', context, rateLimit: { requests: 1, seconds: 60 } },
    ] });
    server = await listen(composed.app);
    close = async () => { await server.close(); await composed.accounts.close(); await jamf.close(); };
  });
  afterAll(() => close());

  const update = (id: string, options: { token?: string; account?: string; key?: string } = {}): Promise<Response> => fetch(`${server.url}/unified/mdm/users/${id}?integrated_account_id=${options.account ?? ACCOUNT}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${options.token ?? 'token-a'}`, 'content-type': 'application/json', ...(options.key ? { 'idempotency-key': options.key } : {}) },
    body: JSON.stringify({ name: `metrics-${id}` }),
  });
  const scrape = async (): Promise<{ samples: Sample[]; text: string; type: string | null }> => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    return { samples: parseExposition(text), text, type: res.headers.get('content-type') };
  };

  it('counts requests, Jamf calls, tokens, retries, replays and rate-limit refusals with bounded labels', async () => {
    expect((await update('6', { key: 'k-1' })).status).toBe(200);
    const replay = await update('6', { key: 'k-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    jamf.faults.failNext(1, 503);
    expect((await update('23423523')).status).toBe(200);
    expect((await update('1', { account: LIMITED })).status).toBe(200);
    expect((await update('1', { account: LIMITED })).status).toBe(429);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${server.url}/unified/mdm/users/${i}`, { headers: { authorization: 'Bearer token-b' } })).status);
    expect(statuses.at(-1)).toBe(429);
    expect((await fetch(`${server.url}/unified/mdm/users/6?integrated_account_id=${ACCOUNT}`, { method: 'PATCH' })).status).toBe(401);
    expect((await fetch(`${server.url}/nowhere/12345`)).status).toBe(404);

    const { samples, text, type } = await scrape();
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const count = (labels: Record<string, string>) => valueOf(samples, 'http_request_duration_seconds_count', labels);
    expect(count({ method: 'PATCH', route: ROUTE, status_code: '200' })).toBe(4);
    expect(count({ method: 'PATCH', route: ROUTE, status_code: '429' })).toBe(1);
    expect(count({ method: 'PATCH', route: ROUTE, status_code: '401' })).toBe(1);
    expect(count({ method: 'GET', route: ROUTE, status_code: '429' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    expect(valueOf(samples, 'jamf_request_duration_seconds_count', { operation: 'put', outcome: 'remote_error' })).toBe(1);
    expect(valueOf(samples, 'jamf_request_duration_seconds_count', { operation: 'put', outcome: 'ok' })).toBe(3);
    expect(valueOf(samples, 'jamf_request_duration_seconds_count', { operation: 'get', outcome: 'ok' })).toBe(3);
    expect(valueOf(samples, 'jamf_request_duration_seconds_count', { operation: 'token', outcome: 'ok' })).toBe(2);
    expect(valueOf(samples, 'jamf_token_requests_total', { outcome: 'ok' })).toBe(2);
    expect(valueOf(samples, 'jamf_retries_total', { operation: 'put' })).toBe(1);
    expect(valueOf(samples, 'idempotent_replays_total')).toBe(1);
    expect(valueOf(samples, 'rate_limit_refusals_total', { limit: 'account' })).toBe(1);
    expect(valueOf(samples, 'rate_limit_refusals_total', { limit: 'token' })).toBe(1);
    expect(valueOf(samples, 'jamf_requests_in_flight')).toBe(0);
    expect(valueOf(samples, 'jamf_requests_queued')).toBe(0);
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_eventloop_lag_seconds')).toBeDefined();
    for (const secret of [ACCOUNT, LIMITED, '23423523', '12345', 'token-a', 'nowhere']) expect(text).not.toContain(secret);
  });

  it('shows a Jamf call in flight while it runs', async () => {
    jamf.faults.delayMs = 1000;
    const slow = update('6');
    try {
      let inFlight: number | undefined = 0;
      for (let i = 0; i < 100 && inFlight === 0; i++) {
        inFlight = valueOf((await scrape()).samples, 'jamf_requests_in_flight');
        if (inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(inFlight).toBe(1);
    } finally {
      jamf.faults.delayMs = 0;
      await slow;
    }
  });
});

describe('MDM_METRICS=off', () => {
  it('serves no /metrics', async () => {
    const composed = composeApp(readConfig({ MDM_METRICS: 'off' }), createLogger('silent'), { accounts: [] });
    const server = await listen(composed.app);
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
