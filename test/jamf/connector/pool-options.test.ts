import { jamfPoolOptions, MAX_CONNECT_TIMEOUT_MS } from '../../../src/jamf/connector/pool-options';
import { DEFAULTS } from '../../../src/jamf/connector/settings';
import { fullNameXml, oauthAuth, recordingDispatcher, rigPerTest } from './helpers';

describe('jamfPoolOptions', () => {
  const base = { instance_url: 'https://example.jamfcloud.com', auth: oauthAuth };

  it('uses the defaults: 5 keep-alive connections, no pipelining, 30 s for heads and between body chunks', () => {
    expect(jamfPoolOptions(base)).toEqual({
      connections: DEFAULTS.max_concurrency,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: DEFAULTS.timeout_ms,
      bodyTimeout: DEFAULTS.timeout_ms,
      connect: { timeout: MAX_CONNECT_TIMEOUT_MS },
    });
  });

  it('follows max_concurrency and timeout_ms, the connect timeout never above 10 s', () => {
    expect(jamfPoolOptions({ ...base, max_concurrency: 2, timeout_ms: 1500 })).toMatchObject({
      connections: 2, headersTimeout: 1500, bodyTimeout: 1500, connect: { timeout: 1500 },
    });
    expect(jamfPoolOptions({ ...base, timeout_ms: 120_000 })).toMatchObject({ headersTimeout: 120_000, connect: { timeout: 10_000 } });
  });

  describe('a Pool made with them, injected into a connector', () => {
    const rig = rigPerTest();

    it('carries 20 concurrent updates over at most max_concurrency connections', async () => {
      rig.sim.faults.delayMs = 2;
      const recorded = recordingDispatcher(rig.sim.url, { max_concurrency: 3 });
      try {
        const connector = rig.connector({ max_concurrency: 3 }, { dispatcher: recorded.dispatcher });
        await Promise.all(Array.from({ length: 20 }, (_, i) => connector.updateUser('6', fullNameXml(`P${i}`), '')));
        expect(recorded.requests).toHaveLength(41);
        expect(rig.sim.counters.connectionsOpened).toBeLessThanOrEqual(3);
      } finally {
        await recorded.close();
      }
    }, 30_000);
  });
});
