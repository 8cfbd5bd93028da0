import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ApiError } from '../errors';
import { bearerAuth } from './auth';
import { errorHandler } from './error-envelope';
import { parseQuery } from './query-parser';
import { docsRouter } from './docs';
import { requestContext } from './request-context';
import { lazyOpenApiValidator, type ResponseValidation } from './validation';
import { updateUserHandler } from './handlers/update-user';
import type { AccountRegistry } from './accounts';
import type { GracefulShutdown } from './http-server';
import { fastValidation, type ValidationCounts } from './fast-validation';
import { idempotency, MemoryIdempotencyStore, type IdempotencyStore } from './idempotency';
import { perTokenRateLimit, type Rate } from './rate-limit';

/** The one operation: its path in the spec and as an Express route. */
const SPEC_PATH = '/unified/mdm/users/{id}';
const ROUTE = '/unified/mdm/users/:id';

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
  /** Requests per API token (`MDM_RATE_LIMIT_PER_TOKEN`); `undefined` for none. */
  rateLimitPerToken?: Rate;
  /** Where `Idempotency-Key` records live; in memory by default. */
  idempotencyStore?: IdempotencyStore;
  /** Counts requests in flight and refuses new ones while the server drains. */
  shutdown?: GracefulShutdown;
  /**
   * Judge requests the validator would accept on a compiled fast path first (default on); `false`
   * sends every request through express-openapi-validator's own middleware.
   */
  fastValidation?: boolean;
}

/** Parses the query string once, in every wire form the API accepts, into a plain writable `req.query`. */
export const parseQueryOnce: RequestHandler = (req, _res, next) => {
  const at = req.originalUrl.indexOf('?');
  const query = parseQuery(at === -1 ? '' : req.originalUrl.slice(at + 1));
  Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
  next();
};

/**
 * The Express app: request id and logging, bearer auth and the per-token rate limit, JSON body,
 * validation of every request against the spec (a compiled fast path for requests it is sure of, then
 * express-openapi-validator for everything else), idempotency keys, the Update Users handler, and the
 * one error handler that turns every failure into the envelope.
 */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', false);
  app.set('etag', false);
  app.use(requestContext(options.logger));
  if (options.shutdown) app.use(options.shutdown.track);
  app.use(docsRouter());
  app.use('/unified', bearerAuth(options.tokens));
  app.use('/unified', perTokenRateLimit(options.rateLimitPerToken));
  app.use(parseQueryOnce);
  app.use(express.json({ limit: options.bodyLimit ?? '1mb', strict: true, type: ['application/json', 'application/*+json'] }));
  const update = [idempotency(options.idempotencyStore ?? new MemoryIdempotencyStore()), updateUserHandler(options.accounts)];
  const counts: ValidationCounts = { fast: 0, full: 0 };
  app.locals.validationCounts = counts;
  if (options.fastValidation !== false) {
    app.patch(ROUTE, fastValidation(SPEC_PATH, 'patch', options.responseValidation, options.logger, counts), ...update);
  }
  app.use(lazyOpenApiValidator(options.responseValidation, options.logger));
  app.patch(ROUTE, (_req, _res, next) => { counts.full++; next(); }, ...update);
  app.use((req, _res, next) => next(new ApiError(404, `No route for ${req.method} ${req.path}.`)));
  app.use(errorHandler(options.logger));
  return app;
}
