import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ApiError } from '../errors';
import { bearerAuth } from './auth';
import { errorHandler } from './error-envelope';
import { parseQuery } from './query-parser';
import { requestContext } from './request-context';
import { openApiValidator, type ResponseValidation } from './validation';
import { updateUserHandler } from './handlers/update-user';
import type { AccountRegistry } from './accounts';

export interface AppOptions {
  /** Bearer tokens the API accepts. */
  tokens: readonly string[];
  /** The integrated accounts this server knows. */
  accounts: AccountRegistry;
  logger: Logger;
  /** `fail` in tests, `log` in production. */
  responseValidation: ResponseValidation;
  /** Largest JSON body accepted (bytes or a size string such as `1mb`); larger answers 413. */
  bodyLimit?: number | string;
}

/** Parses the query string once, in every wire form the API accepts, into a plain writable `req.query`. */
export const parseQueryOnce: RequestHandler = (req, _res, next) => {
  const at = req.originalUrl.indexOf('?');
  const query = parseQuery(at === -1 ? '' : req.originalUrl.slice(at + 1));
  Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
  next();
};

/**
 * The Express app: request id and logging, bearer auth, JSON body, validation of every request against
 * the spec, the Update Users handler, and the one error handler that turns every failure into the envelope.
 */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', false);
  app.set('etag', false);
  app.use(requestContext(options.logger));
  app.use('/unified', bearerAuth(options.tokens));
  app.use(parseQueryOnce);
  app.use(express.json({ limit: options.bodyLimit ?? '1mb', strict: true, type: ['application/json', 'application/*+json'] }));
  app.use(openApiValidator(options.responseValidation, options.logger));
  app.patch('/unified/mdm/users/:id', updateUserHandler(options.accounts));
  app.use((req, _res, next) => next(new ApiError(404, `No route for ${req.method} ${req.path}.`)));
  app.use(errorHandler(options.logger));
  return app;
}
