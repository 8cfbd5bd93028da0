import { EMBEDDED_MAX_CONCURRENCY, startEmbeddedJamf } from '../../src/jamf/embedded';
import { JamfConnector } from '../../src/jamf';

describe('startEmbeddedJamf', () => {
  it('starts a simulator on loopback with an API client made for this run, which the connector can use', async () => {
    const embedded = await startEmbeddedJamf();
    try {
      expect(embedded.context.instance_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(embedded.context.auth).toMatchObject({ type: 'client_credentials', client_id: 'mdm-users-demo' });
      const connector = new JamfConnector(embedded.context, 'embedded-test');
      try {
        const answer = await connector.updateUser('23423523', '<user><name>jdoe2</name></user>', '');
        expect(answer.user.name).toBe('jdoe2');
      } finally {
        await connector.close();
      }
    } finally {
      await embedded.simulator.close();
    }
  });

  it('lets the demo account have more Jamf calls in flight than the five a real Jamf instance is given', async () => {
    const embedded = await startEmbeddedJamf();
    const connector = new JamfConnector(embedded.context, 'embedded-test');
    try {
      await connector.updateUser('6', '<user><position>warm</position></user>', '');
      embedded.simulator.faults.delayMs = 300;
      embedded.simulator.resetCounters();
      const updates = Array.from({ length: EMBEDDED_MAX_CONCURRENCY + 5 }, (_, i) => connector.updateUser('6', `<user><position>p${i}</position></user>`, ''));
      await Promise.all(updates);
      expect(embedded.simulator.counters.peakConcurrency).toBe(EMBEDDED_MAX_CONCURRENCY);
    } finally {
      await connector.close();
      await embedded.simulator.close();
    }
  });
});
