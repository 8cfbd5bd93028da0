import type { Request, RequestHandler, Response } from 'express';
import type { AccountLocals } from '../middleware/account';
import type { RateLimitLocals } from '../middleware/rate-limit';
import type { Metrics } from './metrics';

/** The `route` of a request that matched no known route. */
const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** A matcher of an Express route template (`/unified/mdm/users/:id`): each `:name` stands for one path segment. */
function templateMatcher(template: string): (path: string) => boolean {
  const pattern = template.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  const regex = new RegExp(`^${pattern}/?$`);
  return (path) => regex.test(path);
}

/**
 * The route template of a request: the route Express matched when it reached one, else the first of
 * `templates` the path fits (a request refused before its route, e.g. 401), else {@link UNMATCHED_ROUTE}.
 * Never the raw path, so the label has a fixed set of values.
 */
function routeOf(req: Request, templates: ReadonlyArray<readonly [string, (path: string) => boolean]>): string {
  const matched = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof matched === 'string') return `${req.baseUrl}${matched}`;
  const path = req.originalUrl.split('?')[0] ?? '';
  return templates.find(([, fits]) => fits(path))?.[0] ?? UNMATCHED_ROUTE;
}

/**
 * Which rate limit of this server refused a response, if one did (a 429 from Jamf is none): the
 * account's once the account step ran (the token's admitted the request before it), else the token's.
 * Reads the decisions the rate-limit steps leave in `res.locals.rateLimits`.
 */
function refusedBy(res: Response): 'token' | 'account' | undefined {
  const locals = res.locals as Partial<RateLimitLocals & AccountLocals>;
  if (res.statusCode !== 429 || !locals.rateLimits?.some((d) => !d.allowed)) return undefined;
  return locals.account === undefined ? 'token' : 'account';
}

/**
 * The first step: times every request (`http_request_duration_seconds` by method, route template and
 * status) and counts, from the finished response, idempotent replays and rate-limit refusals.
 */
export function requestMetrics(metrics: Metrics, templates: readonly string[]): RequestHandler {
  const matchers = templates.map((t) => [t, templateMatcher(t)] as const);
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.once('close', () => {
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      stop({ method, route: routeOf(req, matchers), status_code: String(res.statusCode) });
      if (res.getHeader('idempotent-replayed') === 'true') metrics.replays.inc();
      const limit = refusedBy(res);
      if (limit) metrics.rateLimited.inc({ limit });
    });
    next();
  };
}
