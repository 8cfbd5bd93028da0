import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createHttpServer, GracefulShutdown } from '../../src/server/http-server';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** One GET on its own connection; resolves with what came back, or with the error that ended it. */
function get(port: number, path: string): Promise<Answer | Error> {
  return new Promise((resolve) => {
    const req = request({ port, host: '127.0.0.1', path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', resolve);
    });
    req.on('error', resolve);
    req.end();
  });
}

/** A server whose `/slow` answers after `slowMs`, `/stuck` never, `/half` begins its answer and never ends it. */
async function serve(slowMs: number): Promise<{ port: number; shutdown: GracefulShutdown; server: ReturnType<typeof createHttpServer>; arrived: () => number }> {
  const shutdown = new GracefulShutdown();
  const app = express();
  let arrived = 0;
  app.use(shutdown.track);
  app.use((_req, _res, next) => { arrived++; next(); });
  app.get('/slow', (_req, res) => { setTimeout(() => res.json({ done: true }), slowMs); });
  app.get('/stuck', () => undefined);
  app.get('/half', (_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.write('partial'); });
  const server = createHttpServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, shutdown, server, arrived: () => arrived };
}

/** Whether the exchange failed (node's errors come from another realm than jest's `Error`). */
const failed = (answer: Answer | Error): answer is Error => !('status' in answer);

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('GracefulShutdown', () => {
  it('lets requests in flight finish within the timeout, and says it is draining from the start', async () => {
    const { port, shutdown, server, arrived } = await serve(100);
    const answers = [get(port, '/slow'), get(port, '/slow')];
    await until(() => arrived() === 2);
    expect(shutdown.draining).toBe(false);
    const drained = shutdown.drain(server, 5_000);
    expect(shutdown.draining).toBe(true);
    expect(await drained).toEqual({ unfinished: 0 });
    expect((await Promise.all(answers)).map((a) => (failed(a) ? a.message : `${a.status} ${a.body}`))).toEqual(['200 {"done":true}', '200 {"done":true}']);
  });

  it('answers new requests 503 while draining; at the deadline answers a request still waiting with the complete 503 envelope and Retry-After, and cuts an answer already begun', async () => {
    const { port, shutdown, server, arrived } = await serve(0);
    const stuck = get(port, '/stuck');
    const half = get(port, '/half');
    await until(() => arrived() === 2);
    const drained = shutdown.drain(server, 300);
    const during = await get(port, '/slow');
    if (failed(during)) throw during;
    expect([during.status, during.headers['retry-after'], during.headers.connection]).toEqual([503, '1', 'close']);
    expect(await drained).toEqual({ unfinished: 2 });
    const answer = await stuck;
    if (failed(answer)) throw answer;
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body)).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/shut down before this request finished/) });
    const cut = await half;
    expect(failed(cut) ? cut.message : cut.status).toMatch(/aborted|hang up|ECONNRESET/);
  });
});
