import { Writable } from 'node:stream';
import { startJamfSimulator } from '../../../src/jamf/simulator';
import { readConfig } from '../../../src/server/config';
import { createLogger } from '../../../src/server/logger';
import { combineEvents } from '../../../src/server/ops';
import { composeApp } from '../../../src/server/start';
import { listen } from '../../helpers/listen';

const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';

interface Line { level: number; msg: string; jamf?: Record<string, unknown> }

/** One update through the composed app at `level`, with `remote_query[secret]=…`; answers every log line. */
async function logsOfOneUpdate(level: 'debug' | 'info'): Promise<Line[]> {
  const jamf = await startJamfSimulator({ credentials: { clients: [{ client_id: 'c', client_secret: 's' }], users: [] } });
  const lines: Line[] = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString()) as Line); done(); } });
  const composed = composeApp(readConfig({ MDM_API_TOKENS: 'tok', LOG_LEVEL: level }), createLogger(level, sink), {
    accounts: [{ id: ACCOUNT, integration: 'jamf', context: { instance_url: jamf.url, auth: { type: 'client_credentials', client_id: 'c', client_secret: 's' } } }],
  });
  const server = await listen(composed.app);
  try {
    const res = await fetch(`${server.url}/unified/mdm/users/6?integrated_account_id=${ACCOUNT}&remote_query[note]=query-value-123`, {
      method: 'PATCH', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' }, body: '{"name":"debugged"}',
    });
    expect(res.status).toBe(200);
  } finally {
    await server.close();
    await composed.accounts.close();
    await jamf.close();
  }
  return lines;
}

describe('LOG_LEVEL=debug', () => {
  it('logs one line per Jamf call: method, path without query values, status, ms, attempt', async () => {
    const calls = (await logsOfOneUpdate('debug')).filter((l) => l.msg === 'jamf call');
    expect(calls.map((l) => l.jamf)).toEqual([
      { operation: 'token', method: 'POST', path: '/api/oauth/token', status: 200, outcome: 'ok', ms: expect.any(Number), attempt: 1 },
      { operation: 'put', method: 'PUT', path: '/JSSResource/users/id/6', status: 201, outcome: 'ok', ms: expect.any(Number), attempt: 1 },
      { operation: 'get', method: 'GET', path: '/JSSResource/users/id/6', status: 200, outcome: 'ok', ms: expect.any(Number), attempt: 1 },
    ]);
    expect(calls.every((l) => l.level === 20)).toBe(true);
    expect(JSON.stringify(calls)).not.toContain('query-value-123');
  });

  it('is silent about Jamf calls at info', async () => {
    expect((await logsOfOneUpdate('info')).filter((l) => l.msg === 'jamf call')).toEqual([]);
  });
});

describe('combineEvents', () => {
  it('calls every observer given, and is undefined for none', () => {
    const seen: string[] = [];
    const events = combineEvents({ retry: (e) => seen.push(`a ${e.operation}`) }, undefined, { retry: (e) => seen.push(`b ${e.operation}`), tokenRequest: (e) => seen.push(`b ${e.outcome}`) });
    events?.retry?.({ operation: 'put' });
    events?.tokenRequest?.({ outcome: 'ok' });
    expect(seen).toEqual(['a put', 'b put', 'b ok']);
    expect(combineEvents(undefined, undefined)).toBeUndefined();
  });
});
