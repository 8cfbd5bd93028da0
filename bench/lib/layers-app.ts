/**
 * The real app's layers added one at a time, from the same middlewares createApp uses, in its order:
 *
 * 0  bare Express, JSON body parser, fixed answer (= variant a)
 * 1  + request id and per-request logging (requestContext) and the error handler
 * 2  + shutdown tracker, docs router, bearer auth, per-token rate limit (never refusing)
 * 3  + query parsing (parseQueryOnce)
 * 4  + request validation (express-openapi-validator, responses not validated)
 * 5  + response validation, production mode (`log`)
 * 6  + idempotency middleware and the real handler on the stub connector (≈ variant b), instead of the fixed answer
 */
import express, { type Express, type RequestHandler } from 'express';
import type { DestinationStream } from 'pino';
import { createAccountRegistry } from '../../src/server/accounts';
import { parseQueryOnce } from '../../src/server/app';
import { bearerAuth } from '../../src/server/auth';
import { docsRouter } from '../../src/server/docs';
import { errorHandler } from '../../src/server/error-envelope';
import { updateUserHandler } from '../../src/server/handlers/update-user';
import { GracefulShutdown } from '../../src/server/http-server';
import { idempotency, MemoryIdempotencyStore } from '../../src/server/idempotency';
import { createLogger } from '../../src/server/logger';
import { perTokenRateLimit } from '../../src/server/rate-limit';
import { requestContext } from '../../src/server/request-context';
import { openApiValidator } from '../../src/server/validation';
import { ACCOUNT_ID, API_TOKEN, unifiedAnswer } from '../common';
import { StubConnector } from './stub';

export const LAYER_LABELS = [
  'bare Express + JSON parser, fixed answer',
  '+ request id, request log, error handler',
  '+ shutdown tracker, docs router, auth, rate limit',
  '+ query parsing',
  '+ request validation (EOV)',
  '+ response validation (log)',
  '+ idempotency, real handler, stub Jamf',
];

export function layersApp(layers: number, destination?: DestinationStream): Express {
  const logger = createLogger('info', destination);
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
    const accounts = createAccountRegistry(
      [{ id: ACCOUNT_ID, integration: 'jamf', context: { instance_url: 'http://127.0.0.1:9', auth: { type: 'basic', username: 'u', password: 'p' } } }],
      () => new StubConnector(),
    );
    app.patch('/unified/mdm/users/:id', idempotency(new MemoryIdempotencyStore()), updateUserHandler(accounts));
  } else {
    app.patch('/unified/mdm/users/:id', fixed);
  }
  if (layers >= 1) app.use(errorHandler(logger));
  return app;
}
