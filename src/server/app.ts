/**
 * The composition root: the request pipeline, step by step, in the order a request meets it. Tests and
 * the bench build the app from these same steps (`pipeline`), never from copies.
 */
import express, { type Express, type Request, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ApiError } from '../errors';
import type { AccountRegistry } from './accounts/registry';
import { docsRouter } from './docs/routes';
import type { GracefulShutdown } from './http-server';
import { resolveAccount } from './middleware/account';
import { bearerAuth } from './middleware/auth';
import { jsonBody, requireJsonBody } from './middleware/body';
import { errorHandler } from './middleware/error-handler';
import { idempotency } from './middleware/idempotency';
import { parseQueryOnce, queryFormHints } from './middleware/query';
import { perAccountRateLimit, perTokenRateLimit } from './middleware/rate-limit';
import { requestContext } from './middleware/request-context';
import { updateUserHandler } from './handlers/update-user';
import { backendHeader, opsRouter, requestMetrics, type OpsOptions } from './ops';
import { MemoryIdempotencyStore } from './stores/idempotency-store';
import { memoryRateLimit } from './stores/memory-rate-limit';
import type { IdempotencyStore, Rate, RateLimitStore } from './stores/types';
import { operationValidation, type ResponseValidation } from './validation';

/** The one operation: its path in the spec and as an Express route. */
const SPEC_PATH = '/unified/mdm/users/{id}';
export const ROUTE = '/unified/mdm/users/:id';

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
  /** Requests per API token (`MDM_RATE_LIMIT_PER_TOKEN`), a rate (counted in process) or a store; `undefined` for none. */
  rateLimitPerToken?: Rate | RateLimitStore;
  /** Where `Idempotency-Key` records live; in memory by default. */
  idempotencyStore?: IdempotencyStore;
  /** Counts requests in flight and refuses new ones while the server drains. */
  shutdown?: GracefulShutdown;
  /**
   * Judge requests the validator would accept on a compiled fast path first (default on); `false`
   * sends every request through express-openapi-validator's own middleware.
   */
  fastValidation?: boolean;
  /** The operation's last step: the Update Users handler by default (the bench's layer table puts a fixed answer here). */
  handler?: RequestHandler;
  /** `/healthz`, `/readyz` and `/metrics` (served before the bearer auth, without a token), and the request metrics; none when absent. */
  ops?: OpsOptions;
  /** Names the backend in `X-Mdm-Backend` on every API response (`simulator` when the embedded simulator serves). */
  backend?: 'simulator';
}

/** One step of the pipeline: a name (for readers and the bench's layer table) and how it mounts. */
export interface Step {
  name: string;
  mount(app: Express): void;
}

/** Which requests a step applies to; the others pass it by. */
type Applies = (req: Request) => boolean;

/** Requests to the API: `/unified` and below, matched as Express matches a mount path (any case). */
export const TO_API: Applies = (req) => /^\/unified(?:\/|$)/i.test(req.path);
/** GET and HEAD requests, the only ones the docs and operations routes answer. */
const READS: Applies = (req) => req.method === 'GET' || req.method === 'HEAD';

/**
 * A step mounted as one plain layer. `applies` filters in the layer itself: an Express path mount
 * (`app.use('/unified', …)`) or a sub-router costs each request that passes through it a prefix trim
 * and restore or a walk of the router's own stack, where a test of the path costs one call.
 */
const use = (name: string, handler: RequestHandler, applies?: Applies): Step => ({
  name,
  mount: (app) => { app.use(applies ? (req, res, next) => { if (applies(req)) handler(req, res, next); else next(); } : handler); },
});

/** A rate given as figures becomes an in-process limit (fixed window, exact Retry-After); a store is used as it is. */
function tokenLimitStore(limit: Rate | RateLimitStore | undefined): RateLimitStore | undefined {
  return limit === undefined || 'take' in limit ? limit : memoryRateLimit(limit, 'token');
}

/**
 * The Update Users operation: a body required, validation (fast path, then the validator), the response
 * check, account, idempotency, the account's rate limit, the handler; then the accepted wire forms added
 * to errors about an array query parameter.
 */
function operationSteps(options: AppOptions, app: Express): void {
  const validation = operationValidation(SPEC_PATH, 'patch', { responses: options.responseValidation, logger: options.logger, fastPath: options.fastValidation !== false });
  app.locals.validationCounts = validation.counts;
  const update = [
    validation.response,
    resolveAccount(options.accounts),
    idempotency(options.idempotencyStore ?? new MemoryIdempotencyStore()),
    perAccountRateLimit(),
    options.handler ?? updateUserHandler(),
  ];
  app.patch(ROUTE, requireJsonBody);
  if (validation.fast) app.patch(ROUTE, validation.fast, ...update);
  app.use(validation.full);
  app.patch(ROUTE, (_req, _res, next) => { validation.counts.full++; next(); }, ...update);
  app.use(queryFormHints);
}

/** The ordered steps of the app, from the first a request meets to the error handler. */
export function pipeline(options: AppOptions): Step[] {
  const { ops, backend } = options;
  return [
    ...(ops?.metrics ? [use('request metrics', requestMetrics(ops.metrics, [ROUTE]))] : []),
    ...(ops ? [use('health, readiness and metrics', opsRouter(ops), READS)] : []),
    ...(backend ? [use('backend header', backendHeader(backend), TO_API)] : []),
    use('request id and request log', requestContext(options.logger)),
    ...(options.shutdown ? [use('shutdown tracker', options.shutdown.track)] : []),
    use('docs and the spec', docsRouter(), READS),
    use('bearer auth', bearerAuth(options.tokens), TO_API),
    use('per-token rate limit', perTokenRateLimit(tokenLimitStore(options.rateLimitPerToken)), TO_API),
    use('query parsing', parseQueryOnce),
    use('JSON body', jsonBody(options.bodyLimit)),
    { name: 'validation, account, idempotency, account rate limit, handler', mount: (app) => operationSteps(options, app) },
    use('no route', (req, _res, next) => next(new ApiError(404, `No route for ${req.method} ${req.path}.`))),
    { name: 'error envelope', mount: (app) => app.use(errorHandler(options.logger)) },
  ];
}

/** A bare Express app with this server's settings (no query parser of Express's own, no ETag, no x-powered-by). */
function expressApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', false);
  app.set('etag', false);
  return app;
}

/** The Express app: every step of {@link pipeline}, in order. */
export function createApp(options: AppOptions, steps: Step[] = pipeline(options)): Express {
  const app = expressApp();
  for (const step of steps) step.mount(app);
  return app;
}
