import { Readable, Writable } from 'node:stream';
import { createAccountRegistry } from '../../../src/server/accounts/registry';
import { createApp } from '../../../src/server/app';
import { createLogger } from '../../../src/server/logger';
import type { ResponseValidation } from '../../../src/server/validation';
import type { JamfUserEnvelope, JamfUsersConnector } from '../../../src/jamf/connector/types';
import { listen } from '../../helpers/listen';

const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';

/** A connector whose raw answer breaks the spec (no `user`), to see what each response-validation mode does. */
const brokenConnector: JamfUsersConnector = {
  updateUser: () => Promise.resolve({ users: [] } as unknown as JamfUserEnvelope),
  updateUserStream: () => Promise.resolve({ contentType: 'text/xml', body: Readable.from(['<user/>']) }),
  close: () => Promise.resolve(),
};

async function call(mode: ResponseValidation): Promise<{ status: number; logs: string }> {
  let logs = '';
  const sink = new Writable({ write(chunk: Buffer, _e, done) { logs += chunk.toString(); done(); } });
  const accounts = createAccountRegistry([{ id: ACCOUNT, integration: 'jamf', context: { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic', username: 'u', password: 'p' } } }], () => brokenConnector);
  const server = await listen(createApp({ tokens: ['t'], accounts, logger: createLogger('info', sink), responseValidation: mode }));
  try {
    const res = await fetch(`${server.url}/unified/mdm/users/1?integrated_account_id=${ACCOUNT}&truto_response_format=raw`, {
      method: 'PATCH', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"name":"x"}',
    });
    await res.arrayBuffer();
    return { status: res.status, logs };
  } finally {
    await server.close();
  }
}

describe('response validation', () => {
  it('turns a response that breaks the spec into a 500 in fail mode (tests)', async () => {
    expect((await call('fail')).status).toBe(500);
  });
  it('sends it and logs the mismatch in log mode (production)', async () => {
    const { status, logs } = await call('log');
    expect(status).toBe(200);
    expect(logs).toMatch(/response does not match the spec/);
  });
});
