/**
 * What operators use, outside the API and without a token: `GET /healthz`, `GET /readyz`, `GET /metrics`
 * (Prometheus), the request metrics step, the debug log of Jamf calls, and the backend header.
 */
import { Router, type RequestHandler } from 'express';
import type { AccountRegistry } from '../accounts/registry';
import type { GracefulShutdown } from '../http-server';
import type { StoreHealth } from '../stores/types';
import { healthRouter, storeReachable, type ReadinessCheck } from './health';
import type { Metrics } from './metrics';

export { Metrics } from './metrics';
export { requestMetrics } from './request-metrics';
export { combineEvents, jamfCallLog } from './jamf-events';

export interface OpsOptions {
  /** What must hold for `/readyz` to answer 200. */
  readiness: readonly ReadinessCheck[];
  /** The metrics `/metrics` serves; absent: no `/metrics` (`MDM_METRICS=off`). */
  metrics?: Metrics;
}

/** The readiness checks of a server: accounts loaded, not draining, and every shared store it depends on reachable. */
export function readinessChecks(accounts: AccountRegistry, shutdown: GracefulShutdown, stores: readonly StoreHealth[] = []): ReadinessCheck[] {
  return [
    () => (accounts.size() > 0 ? undefined : 'No integrated accounts are loaded.'),
    () => (shutdown.draining ? 'The server is shutting down (draining requests in flight).' : undefined),
    ...stores.map(storeReachable),
  ];
}

/** `/healthz`, `/readyz` and (with metrics) `/metrics`. */
export function opsRouter(options: OpsOptions): Router {
  const router = Router();
  router.use(healthRouter(options.readiness));
  const { metrics } = options;
  if (metrics) {
    router.get('/metrics', async (_req, res) => {
      const { contentType, text } = await metrics.scrape();
      res.set('Cache-Control', 'no-store').type(contentType).send(text);
    });
  }
  return router;
}

/** The `X-Mdm-Backend` header naming the backend (`simulator`), on every response of the API. */
export function backendHeader(backend: string): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Mdm-Backend', backend);
    next();
  };
}
