/**
 * The real app's layers added one at a time (BENCH_LAYERS = 0…6), for `npm run bench:layers`: what each
 * layer of createApp costs per request. Built from the same middlewares createApp uses, in its order:
 *
 * 0  bare Express, JSON body parser, fixed answer (= variant a)
 * 1  + request id and per-request logging (requestContext)
 * 2  + shutdown tracker, docs router, bearer auth, per-token rate limit (never refusing)
 * 3  + query parsing (parseQueryOnce)
 * 4  + request validation (express-openapi-validator, responses not validated)
 * 5  + response validation, production mode (`log`)
 * 6  + idempotency middleware and the real handler on the stub connector (≈ variant b), instead of the fixed answer
 */
import express, { type RequestHandler } from 'express';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createAccountRegistry } from '../../src/server/accounts';
import { parseQueryOnce } from '../../src/server/app';
import { bearerAuth } from '../../src/server/auth';
import { docsRouter } from '../../src/server/docs';
import { errorHandler } from '../../src/server/error-envelope';
import { updateUserHandler } from '../../src/server/handlers/update-user';
import { createHttpServer, GracefulShutdown } from '../../src/server/http-server';
import { idempotency, MemoryIdempotencyStore } from '../../src/server/idempotency';
import { createLogger } from '../../src/server/logger';
import { perTokenRateLimit } from '../../src/server/rate-limit';
import { requestContext } from '../../src/server/request-context';
import { openApiValidator } from '../../src/server/validation';
import { ACCOUNT_ID, API_TOKEN, announce, exitWithParent, unifiedAnswer } from '../common';
import { StubConnector } from './gateway';

async function main(): Promise<void> {
  const layers = Number(process.env.BENCH_LAYERS ?? 6);
  const logger = createLogger('info');
  const answer = unifiedAnswer();
  const fixed: RequestHandler = (_req, res) => { res.status(200).json(answer); };
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', false);
  app.set('etag', false);
  if (layers >= 1) app.use(requestContext(logger));
  if (layers >= 2) {
    app.use(new GracefulShutdown().track);
    app.use(docsRouter());
    app.use('/unified', bearerAuth([API_TOKEN]));
    app.use('/unified', perTokenRateLimit({ requests: 1_000_000_000, seconds: 1 }));
  }
  if (layers >= 3) app.use(parseQueryOnce);
  app.use(express.json({ limit: '1mb', strict: true, type: ['application/json', 'application/*+json'] }));
  if (layers >= 4) app.use(openApiValidator(layers >= 5 ? 'log' : 'off', logger));
  if (layers >= 6) {
    const accounts = createAccountRegistry([{ id: ACCOUNT_ID, integration: 'jamf', context: { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic', username: 'u', password: 'p' } } }], () => new StubConnector());
    app.patch('/unified/mdm/users/:id', idempotency(new MemoryIdempotencyStore()), updateUserHandler(accounts));
  } else {
    app.patch('/unified/mdm/users/:id', fixed);
  }
  if (layers >= 1) app.use(errorHandler(logger));
  const server = layers >= 2 ? createHttpServer(app) : app.listen(0, '127.0.0.1');
  if (layers >= 2) server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  announce(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  exitWithParent(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

void main();
