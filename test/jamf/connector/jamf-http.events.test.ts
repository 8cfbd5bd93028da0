import type { CallEvent, ConnectorEvents, JamfOperation, TokenOutcome } from '../../../src/jamf/connector/types';
import { fullNameXml, rejection, rigPerTest } from './helpers';

/** Observers that keep what they are told. */
function recorder(): { events: ConnectorEvents; calls: CallEvent[]; retries: JamfOperation[]; tokens: TokenOutcome[] } {
  const calls: CallEvent[] = [];
  const retries: JamfOperation[] = [];
  const tokens: TokenOutcome[] = [];
  return {
    calls, retries, tokens,
    events: {
      call: (event) => { calls.push(event); },
      retry: ({ operation }) => { retries.push(operation); },
      tokenRequest: ({ outcome }) => { tokens.push(outcome); },
    },
  };
}

/** The fields of call events that do not depend on timing. */
const shape = (calls: CallEvent[]): Array<Omit<CallEvent, 'ms'>> => calls.map(({ ms: _ms, ...rest }) => rest);

describe('Jamf connector events', () => {
  const rig = rigPerTest();

  it('tells each HTTP attempt once, its path without the query string, and the token request once', async () => {
    const seen = recorder();
    await rig.connector({}, { events: seen.events }).updateUser('6', fullNameXml('Observed'), 'secret=value&x=1');
    expect(shape(seen.calls)).toEqual([
      { operation: 'token', method: 'POST', path: '/api/oauth/token', status: 200, outcome: 'ok', attempt: 1 },
      { operation: 'put', method: 'PUT', path: '/JSSResource/users/id/6', status: 201, outcome: 'ok', attempt: 1 },
      { operation: 'get', method: 'GET', path: '/JSSResource/users/id/6', status: 200, outcome: 'ok', attempt: 1 },
    ]);
    for (const call of seen.calls) expect(call.ms).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(seen.calls)).not.toContain('secret');
    expect(seen.tokens).toEqual(['ok']);
    expect(seen.retries).toEqual([]);
  });

  it('tells a retried 503, the retry, and the attempt that succeeded', async () => {
    const seen = recorder();
    const connector = rig.connector({}, { events: seen.events });
    await connector.updateUser('6', fullNameXml('warm'), '');
    seen.calls.length = 0;
    rig.sim.faults.failNext(1, 503);
    await connector.updateUser('6', fullNameXml('After 503'), '');
    expect(shape(seen.calls)).toEqual([
      { operation: 'put', method: 'PUT', path: '/JSSResource/users/id/6', status: 503, outcome: 'remote_error', attempt: 1 },
      { operation: 'put', method: 'PUT', path: '/JSSResource/users/id/6', status: 201, outcome: 'ok', attempt: 2 },
      { operation: 'get', method: 'GET', path: '/JSSResource/users/id/6', status: 200, outcome: 'ok', attempt: 1 },
    ]);
    expect(seen.retries).toEqual(['put']);
  });

  it('tells reset connections as connection errors without a status', async () => {
    const seen = recorder();
    rig.sim.faults.resetNext(3);
    const err = await rejection(rig.connector({}, { events: seen.events }).updateUser('6', fullNameXml('X'), ''));
    expect(err.status).toBe(502);
    const puts = seen.calls.filter((c) => c.operation === 'put');
    expect(puts.map(({ outcome, status, attempt }) => ({ outcome, status, attempt }))).toEqual([
      { outcome: 'connection_error', status: undefined, attempt: 1 },
      { outcome: 'connection_error', status: undefined, attempt: 2 },
      { outcome: 'connection_error', status: undefined, attempt: 3 },
    ]);
    expect(seen.retries).toEqual(['put', 'put']);
  });

  it('tells a call that got no answer in time as a timeout', async () => {
    const seen = recorder();
    const connector = rig.connector({ timeout_ms: 300 }, { events: seen.events });
    await connector.updateUser('6', fullNameXml('warm'), '');
    seen.calls.length = 0;
    rig.sim.faults.hang = true;
    expect((await rejection(connector.updateUser('6', fullNameXml('X'), ''))).status).toBe(504);
    expect(shape(seen.calls)).toEqual([{ operation: 'put', method: 'PUT', path: '/JSSResource/users/id/6', outcome: 'timeout', attempt: 1 }]);
  });

  it('tells the 401, the token renewal and the try with the new token', async () => {
    const seen = recorder();
    const connector = rig.connector({}, { events: seen.events });
    await connector.updateUser('6', fullNameXml('warm'), '');
    seen.calls.length = 0;
    rig.sim.expireAllTokens();
    await connector.updateUser('6', fullNameXml('Renewed'), '');
    expect(shape(seen.calls).map(({ operation, status, attempt }) => [operation, status, attempt])).toEqual([
      ['put', 401, 1], ['token', 200, 1], ['put', 201, 2], ['get', 200, 1],
    ]);
    expect(seen.tokens).toEqual(['ok', 'ok']);
    expect(seen.retries).toEqual([]); // a renewal is not a retry
  });

  it('tells a refused sign-in as a rejected token request', async () => {
    const seen = recorder();
    const connector = rig.connector({ auth: { type: 'client_credentials', client_id: 'nobody', client_secret: 'x' } }, { events: seen.events });
    expect((await rejection(connector.updateUser('6', fullNameXml('X'), ''))).status).toBe(401);
    expect(seen.tokens).toEqual(['rejected']);
    expect(shape(seen.calls)).toEqual([{ operation: 'token', method: 'POST', path: '/api/oauth/token', status: 401, outcome: 'remote_error', attempt: 1 }]);
  });

  it('works the same when an observer throws', async () => {
    const boom = (): void => { throw new Error('metrics are down'); };
    const connector = rig.connector({}, { events: { call: boom, retry: boom, tokenRequest: boom } });
    rig.sim.faults.failNext(1, 503);
    const answer = await connector.updateUser('6', fullNameXml('Still works'), '');
    expect(answer.user.full_name).toBe('Still works');
  });
});
