import { startEmbeddedJamf } from '../../src/jamf/embedded';
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
});
