import { once } from 'node:events';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createAccountRegistry } from '../../src/server/accounts/registry';
import { createApp } from '../../src/server/app';
import { createHttpServer, DEFAULT_HTTP_LIMITS } from '../../src/server/http-server';
import { createLogger } from '../../src/server/logger';

/** Sends raw bytes and answers everything the server writes back until it closes the connection. */
async function rawExchange(port: number, chunks: string[], pauseMs = 0): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (d: Buffer) => { answer += d.toString('latin1'); });
  for (const chunk of chunks) {
    socket.write(chunk);
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
  await once(socket, 'close');
  return answer;
}

describe('HTTP limits', () => {
  const accounts = createAccountRegistry([]);
  const app = createApp({ tokens: ['t'], accounts, logger: createLogger('silent'), responseValidation: 'fail' });
  const server = createHttpServer(app, { ...DEFAULT_HTTP_LIMITS, maxHeaderSize: 8 * 1024, headersTimeout: 500, requestTimeout: 1000 });
  let port: number;
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const envelopeOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

  it('answers an oversized query string with 431 in the envelope', async () => {
    const answer = await rawExchange(port, [`PATCH /unified/mdm/users/1?remote_query[a]=${'x'.repeat(10_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(envelopeOf(answer)).toMatchObject({ statusCode: 431, error: 'Request Header Fields Too Large', message: expect.stringMatching(/shorter query string/) });
  });

  it('answers an oversized header with 431 in the envelope', async () => {
    const answer = await rawExchange(port, [`PATCH /unified/mdm/users/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(10_000)}\r\n\r\n`]);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('answers garbage with 400 in the envelope', async () => {
    const answer = await rawExchange(port, ['NOT HTTP AT ALL\r\n\r\n']);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(envelopeOf(answer)).toMatchObject({ statusCode: 400, message: 'The request is not valid HTTP.' });
  });

  it('does not let a slow client hold a socket: 408 after the headers timeout', async () => {
    const started = Date.now();
    const answer = await rawExchange(port, ['PATCH /unified/mdm/users/1 HTTP/1.1\r\n', 'Host: x\r\n'], 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
