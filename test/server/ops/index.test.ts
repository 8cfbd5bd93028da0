import { startJamfSimulator } from '../../../src/jamf/simulator';
import { readConfig } from '../../../src/server/config';
import { createLogger } from '../../../src/server/logger';
import { composeApp, type Backend } from '../../../src/server/start';
import { listen } from '../../helpers/listen';

const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';

async function headersOf(backend: Backend): Promise<Array<string | null>> {
  const composed = composeApp(readConfig({ MDM_API_TOKENS: 'tok' }), createLogger('silent'), backend);
  const server = await listen(composed.app);
  try {
    const update = (token: string) => fetch(`${server.url}/unified/mdm/users/6?integrated_account_id=${ACCOUNT}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"name":"x"}' });
    const answers = [await update('tok'), await update('wrong'), await fetch(`${server.url}/unified/nowhere`, { headers: { authorization: 'Bearer tok' } })];
    expect(answers.map((a) => a.status)).toEqual([200, 401, 404]);
    return answers.map((a) => a.headers.get('x-mdm-backend'));
  } finally {
    await server.close();
    await composed.accounts.close();
  }
}

describe('the backend header', () => {
  it('is X-Mdm-Backend: simulator on every API response when the simulator is the backend, and absent otherwise', async () => {
    const jamf = await startJamfSimulator({ credentials: { clients: [{ client_id: 'c', client_secret: 's' }], users: [] } });
    try {
      const accounts = [{ id: ACCOUNT, integration: 'jamf' as const, context: { instance_url: jamf.url, auth: { type: 'client_credentials' as const, client_id: 'c', client_secret: 's' } } }];
      expect(await headersOf({ accounts, simulator: jamf })).toEqual(['simulator', 'simulator', 'simulator']);
      expect(await headersOf({ accounts })).toEqual([null, null, null]);
    } finally {
      await jamf.close();
    }
  });
});
