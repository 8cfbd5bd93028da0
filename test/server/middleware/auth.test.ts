import express from 'express';
import { bearerAuth, type AuthLocals } from '../../../src/server/middleware/auth';
import { errorHandler } from '../../../src/server/middleware/error-handler';
import { createLogger } from '../../../src/server/logger';
import { listen } from '../../helpers/listen';

const FIRST = 'first-token-0123456789abcdefghijklmnop';
const SECOND = 'second-token-0123456789abcdefghijklmno';

/** The name the auth step of a server accepting `tokens` gives to `token` (or the status it refuses it with). */
async function nameOf(tokens: string[], token: string): Promise<string | number> {
  const app = express();
  app.use(bearerAuth(tokens), (_req, res) => { res.json({ id: (res.locals as AuthLocals).apiTokenId }); });
  app.use(errorHandler(createLogger('silent')));
  const server = await listen(app);
  try {
    const res = await fetch(server.url, { headers: { authorization: `Bearer ${token}` } });
    return res.status === 200 ? ((await res.json()) as { id: string }).id : res.status;
  } finally {
    await server.close();
  }
}

describe('bearerAuth', () => {
  it('names a token by the token alone, whatever its place in the list (instances sharing state name it alike)', async () => {
    const name = await nameOf([FIRST, SECOND], SECOND);
    expect(name).toMatch(/^token-[0-9a-f]{16}$/);
    expect(await nameOf([SECOND, FIRST], SECOND)).toBe(name);
    expect(await nameOf([SECOND], SECOND)).toBe(name);
    expect(await nameOf([FIRST, SECOND], FIRST)).not.toBe(name);
    expect(String(name)).not.toContain(SECOND);
  });

  it('refuses a token it does not accept with 401', async () => {
    expect(await nameOf([FIRST], SECOND)).toBe(401);
  });
});
