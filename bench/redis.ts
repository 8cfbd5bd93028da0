/**
 * The scale-out variants of `npm run bench` (docs/deployment.md): the real server with its state on
 * Redis (`MDM_REDIS_URL`), beside the in-process one (c0/c10), on the same simulators.
 *
 * r0, r10  one instance, its rate limits and Jamf slots on a redis-server of the bench's own
 *          (CPU-bound and latency-bound, as c0 and c10);
 * f10      two instances on that Redis behind one port (bench/servers/fleet.ts: node's cluster hands
 *          each load-tool connection to one of them in turn), latency-bound.
 */
import type autocannon from 'autocannon';
import { RedisServer } from '../test/helpers/redis-server';
import { PATCH_BODY, PATCH_HEADERS, PATCH_PATH } from './common';
import { forkServer, type Started } from './lib/proc';

/** Keys of the variants here, by the simulator delay they run against. */
export const REDIS_KEYS: Readonly<Record<'0' | '10', readonly string[]>> = { 0: ['r0'], 10: ['r10', 'f10'] };

/** Ratios of these variants to the in-process ones, with the targets (the shape of run.ts's RatioDef). */
export const REDIS_RATIOS = [
  { name: 'r/c requests/s, CPU-bound (state on Redis / in process)', num: 'r0', den: 'c0', field: 'opsPerSec' as const },
  { name: 'r/c requests/s, latency-bound (state on Redis / in process)', num: 'r10', den: 'c10', field: 'opsPerSec' as const, target: { op: '>=' as const, value: 0.8 } },
  { name: 'r−c added p50 ms, latency-bound (state on Redis − in process)', num: 'r10', den: 'c10', field: 'p50diff' as const, target: { op: '<=' as const, value: 1 } },
  { name: 'f/c requests/s, latency-bound (two instances on Redis / one in process)', num: 'f10', den: 'c10', field: 'opsPerSec' as const },
];

/** What run.ts measures (the shape of its Variant). */
interface RedisVariant {
  key: string;
  label: string;
  server: Started;
  simulator: Started;
  requests: autocannon.Request[];
}

/** The bench's redis-server (the tests' launcher: a free loopback port, no persistence), as a started process. */
async function startRedis(): Promise<Started> {
  const redis = await RedisServer.start();
  return { name: 'redis-server', url: redis.url(), pid: redis.pid as number, stop: () => redis.stop() };
}

/**
 * The wanted variants of this file on the simulators run.ts started (`sims`, by delay), each server
 * (and the one Redis they share) handed to `keep` so that run.ts stops it.
 */
export async function redisVariants(options: {
  want: (key: string) => boolean;
  keep: (started: Promise<Started>) => Promise<Started>;
  sims: Record<string, Started>;
  env: (upstream: string) => Record<string, string>;
  profileArgs: (key: string) => string[];
}): Promise<RedisVariant[]> {
  const { want, keep, sims, env, profileArgs } = options;
  const wanted = Object.entries(REDIS_KEYS).flatMap(([delay, keys]) => (sims[delay] ? keys.filter(want).map((key) => ({ key, sim: sims[delay] as Started })) : []));
  if (wanted.length === 0) return [];
  const redis = await keep(startRedis());
  const requests = [{ method: 'PATCH' as const, path: PATCH_PATH, headers: PATCH_HEADERS, body: PATCH_BODY }];
  const variants: RedisVariant[] = [];
  for (const { key, sim } of wanted) {
    const mode = key.endsWith('10') ? 'latency-bound' : 'CPU-bound';
    const fleet = key.startsWith('f');
    const serverEnv = { ...env(sim.url), MDM_REDIS_URL: redis.url, ...(fleet ? { BENCH_INSTANCES: '2' } : {}) };
    const server = await keep(forkServer(key, fleet ? 'fleet.js' : 'gateway.js', serverEnv, profileArgs(key)));
    const label = `${key.padEnd(3)} ${fleet ? 'two instances' : 'real server'} on Redis → simulator (${mode})`;
    variants.push({ key, label, server, simulator: sim, requests });
  }
  return variants;
}
