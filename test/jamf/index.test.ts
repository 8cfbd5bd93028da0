import { JamfConnectionError } from '../../src/errors';
import { createJamfConnector, type CallEvent } from '../../src/jamf';
import { ACCOUNT_ID, fullNameXml, oauthAuth, recordingDispatcher, rejection, rigPerTest } from './connector/helpers';

describe('createJamfConnector', () => {
  const rig = rigPerTest();

  it('makes a connector with its own Pool and limiter, closed by close()', async () => {
    const calls: CallEvent[] = [];
    const connector = createJamfConnector({ instance_url: rig.sim.url, auth: oauthAuth }, ACCOUNT_ID, { events: { call: (e) => { calls.push(e); } } });
    expect((await connector.updateUser('6', fullNameXml('Made'), '')).user.full_name).toBe('Made');
    expect(calls.map((c) => c.operation)).toEqual(['token', 'put', 'get']);
    expect(connector.load()).toEqual({ running: 0, waiting: 0 });
    await connector.close();
    const err = await rejection(connector.updateUser('6', fullNameXml('After close'), ''));
    expect(err).toBeInstanceOf(JamfConnectionError); // its Pool is closed
    expect(rig.sim.users.get(6)?.full_name).toBe('Made');
  });

  it('uses an injected dispatcher and leaves it open on close()', async () => {
    const recorded = recordingDispatcher(rig.sim.url);
    try {
      const connector = createJamfConnector({ instance_url: rig.sim.url, auth: oauthAuth }, ACCOUNT_ID, { dispatcher: recorded.dispatcher });
      await connector.updateUser('6', fullNameXml('Injected'), 'a=1');
      await connector.close();
      expect(recorded.requests).toEqual([
        { method: 'POST', path: '/api/oauth/token' },
        { method: 'PUT', path: '/JSSResource/users/id/6?a=1' },
        { method: 'GET', path: '/JSSResource/users/id/6' },
      ]);
      const again = createJamfConnector({ instance_url: rig.sim.url, auth: oauthAuth }, ACCOUNT_ID, { dispatcher: recorded.dispatcher });
      expect((await again.updateUser('6', fullNameXml('Still open'), '')).user.full_name).toBe('Still open');
    } finally {
      await recorded.close();
    }
  });
});
