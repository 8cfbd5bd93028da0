import { Router } from 'express';
import type { FieldError } from '../../errors';
import { envelope, sendEnvelope } from '../middleware/error-handler';
import type { StoreHealth } from '../stores/types';
import { within } from '../within';

/** One condition of readiness: answers what is missing (a sentence), or `undefined` when it holds. */
export type ReadinessCheck = () => Promise<string | undefined> | string | undefined;

/** Longest wait for a shared store's ping before it counts as unreachable. */
const STORE_PING_TIMEOUT_MS = 1000;

/** A readiness check that the shared store answers its ping within {@link STORE_PING_TIMEOUT_MS}. */
export function storeReachable(store: StoreHealth): ReadinessCheck {
  return async () => {
    let answered = false;
    await within(store.ping().then(() => { answered = true; }), STORE_PING_TIMEOUT_MS);
    return answered ? undefined : `${store.name} (a shared store this server depends on) is not reachable.`;
  };
}

/** The problems of every check that fails (all are asked at once; a check that throws counts as failing). */
async function problems(checks: readonly ReadinessCheck[]): Promise<string[]> {
  const answers = await Promise.all(checks.map(async (check) => {
    try {
      return await check();
    } catch (err) {
      return `A readiness check failed: ${(err as Error).message}`;
    }
  }));
  return answers.filter((a): a is string => a !== undefined);
}

/**
 * `GET /healthz`: 200 while the process runs. `GET /readyz`: 200 when every readiness check holds,
 * else 503 in the error envelope, saying what is missing (one `errors` item per failing check). No token.
 */
export function healthRouter(checks: readonly ReadinessCheck[]): Router {
  const router = Router();
  const noStore = { 'Cache-Control': 'no-store' };
  router.get('/healthz', (_req, res) => {
    res.set(noStore).status(200).json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const missing = await problems(checks);
    res.set(noStore);
    if (missing.length === 0) {
      res.status(200).json({ status: 'ready' });
      return;
    }
    const errors: FieldError[] = missing.map((message) => ({ path: 'readiness', message, error_code: 'not_ready' }));
    sendEnvelope(res, { envelope: envelope(503, `Not ready: ${missing.join(' ')}`, errors), headers: { 'Retry-After': '1' } });
  });
  return router;
}
