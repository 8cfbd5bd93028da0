/**
 * In-process cost per request, without sockets: the floor app (variant a) and the real app on the stub
 * connector (variant b) driven by light-my-request's injection, alternating in small blocks, CPU time per
 * request measured with process.cpuUsage. It leaves out what both pay alike (TCP, HTTP parsing and
 * writing), so its difference b − a is the work our stack adds, measured with less noise than over
 * loopback: the tool for tuning, not the benchmark.
 *
 * Usage: node dist/bench/inproc.js [rounds=15] [block=300]
 * BENCH_BASE=<dir holding another build's src/ (e.g. bench/results/base-dist)>: also measures that
 * build's real app in the same process, interleaved (A/B of a change).
 * BENCH_ONLY=floor,real,eov,base,L0,…,L6: which apps (eov: the real app with every request on express-openapi-validator's
 * own middleware, no fast path; L0…L6: the layers of bench/lib/layers-app.ts).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import inject from 'light-my-request';
import pino from 'pino';
import type { Express } from 'express';
import { API_TOKEN, PATCH_BODY, PATCH_HEADERS, PATCH_PATH } from './common';
import { floorApp } from './lib/floor-app';
import { layersApp } from './lib/layers-app';
import { StubConnector, STUB_ACCOUNTS } from './lib/stub';

type Start = typeof import('../src/server/start');
type Config = typeof import('../src/server/config');
type Logging = typeof import('../src/server/logger');

/** The real app, composed as startServer composes it (rate limit never refusing, stub Jamf), from the build whose `src/` is under `root`. */
function realApp(root: string, fastValidation = true): Express {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (!existsSync(join(root, 'src', 'server', 'accounts', 'registry.js'))) return legacyApp(root);
  const { composeApp } = require(join(root, 'src', 'server', 'start')) as Start;
  const { readConfig } = require(join(root, 'src', 'server', 'config')) as Config;
  const { createLogger } = require(join(root, 'src', 'server', 'logger')) as Logging;
  const config = readConfig({ MDM_API_TOKENS: API_TOKEN, MDM_RATE_LIMIT_PER_TOKEN: '1000000000/1s', MDM_RESPONSE_VALIDATION: 'log' });
  const backend = {
    accounts: STUB_ACCOUNTS,
    connectorFor: () => new StubConnector(),
  };
  const logger = createLogger('info', pino.destination('/dev/null'));
  if (fastValidation) return composeApp(config, logger, backend).app;
  // The same composition with the fast path off: every request through the validator's own middleware.
  const { createApp } = require(join(root, 'src', 'server', 'app')) as typeof import('../src/server/app');
  const { createAccountRegistry } = require(join(root, 'src', 'server', 'accounts', 'registry')) as typeof import('../src/server/accounts/registry');
  const { GracefulShutdown } = require(join(root, 'src', 'server', 'http-server')) as typeof import('../src/server/http-server');
  const accounts = createAccountRegistry(backend.accounts, backend.connectorFor);
  return createApp({ tokens: [API_TOKEN], accounts, logger, responseValidation: 'log', rateLimitPerToken: { requests: 1e9, seconds: 1 }, shutdown: new GracefulShutdown(), fastValidation: false });
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** A build from before the composition root (up to d076bd5): its own wiring, as its startServer had it; for A/B runs only. */
function legacyApp(root: string): Express {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const server = (name: string): Record<string, (...args: unknown[]) => unknown> => require(join(root, 'src', 'server', name)) as Record<string, (...args: unknown[]) => unknown>;
  const accounts = server('accounts').createAccountRegistry?.(STUB_ACCOUNTS, () => new StubConnector());
  const Shutdown = (require(join(root, 'src', 'server', 'http-server')) as { GracefulShutdown: new () => unknown }).GracefulShutdown;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const logger = server('logger').createLogger?.('info', pino.destination('/dev/null'));
  return server('app').createApp?.({ tokens: [API_TOKEN], accounts, logger, responseValidation: 'log', rateLimitPerToken: { requests: 1e9, seconds: 1 }, shutdown: new Shutdown() }) as Express;
}

async function block(app: Express, n: number, concurrency: number): Promise<number> {
  let left = n;
  let bad = 0;
  const worker = async (): Promise<void> => {
    while (left-- > 0) {
      const res = await inject(app as never, { method: 'PATCH', url: PATCH_PATH, headers: PATCH_HEADERS, payload: PATCH_BODY });
      if (res.statusCode !== 200) bad++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return bad;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 15);
  const size = Number(process.argv[3] ?? 300);
  const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
  const apps: Array<[string, Express]> = [];
  if (!only || only.has('floor')) apps.push(['floor', floorApp()]);
  if (!only || only.has('real')) apps.push(['real', realApp(resolve(__dirname, '..'))]);
  if (only?.has('eov')) apps.push(['eov', realApp(resolve(__dirname, '..'), false)]);
  if (process.env.BENCH_BASE && (!only || only.has('base'))) apps.push(['base', realApp(resolve(process.env.BENCH_BASE))]);
  for (let layer = 0; layer <= 6; layer++) if (only?.has(`L${layer}`)) apps.push([`L${layer}`, layersApp(layer, pino.destination('/dev/null'))]);
  for (const [name, app] of apps) {
    const bad = await block(app, 500, 10); // warm-up, lazy compilation
    if (bad) throw new Error(`${name} answered ${bad} non-200s`);
  }
  const samples = new Map<string, number[]>(apps.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, app] of r % 2 ? [...apps].reverse() : apps) {
      const before = process.cpuUsage();
      await block(app, size, 10);
      const used = process.cpuUsage(before);
      samples.get(name)?.push((used.user + used.system) / size);
    }
  }
  const floor = samples.get('floor');
  for (const [name, xs] of samples) {
    const m = median(xs);
    const extra = floor && name !== 'floor' ? `  (+${(m - median(floor)).toFixed(0)} µs over floor, floor/this ${(median(floor) / m).toFixed(2)})` : '';
    process.stdout.write(`${name.padEnd(6)} ${m.toFixed(0).padStart(5)} µs CPU/request (median of ${xs.length}; min ${Math.min(...xs).toFixed(0)})${extra}\n`);
  }
  const real = samples.get('real');
  const base = samples.get('base');
  if (real && base) process.stdout.write(`real/base CPU per request: ${(median(real) / median(base)).toFixed(2)}\n`);
}

void main();
