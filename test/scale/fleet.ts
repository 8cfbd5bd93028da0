/**
 * A fleet for the scale-out tests: instances of the built server (`node dist/src/main.js`, as `npm
 * start` runs it), each in its own process, all on one accounts file naming one Jamf simulator of
 * the test's own, and on one Redis of the test's own.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startJamfSimulator, type LocalJamfSimulator } from '../../src/jamf/simulator';
import { ROOT } from '../helpers/run';

/** The server as users run it (`npm test` builds dist before jest). */
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
/** How long an instance may take to listen on a loaded machine. */
const START_TIMEOUT_MS = 60_000;

/** The integrated accounts of the accounts file, in order; all on the one simulator. */
export const ACCOUNTS = ['9e8d7c6b-5a49-4382-9100-aabbccddeeff', '1f2e3d4c-5b6a-4789-8abc-0123456789ab'] as const;
export const ACCOUNT = ACCOUNTS[0];
const CLIENT = { client_id: 'fleet-client', client_secret: 'fleet-client-s3cret' };

/**
 * The one Jamf every instance calls, and an accounts file naming it once per context given (the i-th
 * account {@link ACCOUNTS}[i], with `contexts[i]` on top: max_concurrency, timeout_ms, rate_limit, …).
 */
export async function jamfAndAccounts(...contexts: Array<Record<string, unknown>>): Promise<{ jamf: LocalJamfSimulator; accountsFile: string }> {
  const jamf = await startJamfSimulator({ credentials: { clients: [CLIENT], users: [] } });
  const dir = mkdtempSync(join(tmpdir(), 'mdm-fleet-'));
  const accountsFile = join(dir, 'accounts.json');
  writeFileSync(accountsFile, JSON.stringify({
    accounts: contexts.map((context, i) => ({ id: ACCOUNTS[i], integration: 'jamf', context: { instance_url: jamf.url, auth: { type: 'client_credentials', ...CLIENT }, ...context } })),
  }));
  return { jamf, accountsFile };
}

/** One running instance: its base URL, its process and everything it printed. */
export interface Instance {
  url: string;
  child: ChildProcessWithoutNullStreams;
  output(): string;
}

/** Starts one instance with `env` (PORT 0 on loopback); resolves once it prints where it listens. */
export async function startInstance(env: Record<string, string>): Promise<Instance> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run 'npm run build' (npm test does) before jest.`);
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', MDM_SHUTDOWN_TIMEOUT_MS: '2000', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const until = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) return { url, child, output: () => output };
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`an instance did not start (exit ${child.exitCode}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `count` instances, the i-th with `envOf(i)`. */
export async function startFleet(count: number, envOf: (i: number) => Record<string, string>): Promise<Instance[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => startInstance(envOf(i))));
  const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopFleet(instances);
    throw failed.reason;
  }
  return instances;
}

/** Stops every instance still running (SIGTERM, SIGKILL after 10 s) and waits for each to exit. */
export async function stopFleet(instances: readonly Instance[]): Promise<void> {
  await Promise.all(instances.map(async ({ child }) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }));
}

/** What an instance answered, and when (`performance.now()`, for the issue's own bounds only). */
export interface Answer {
  status: number;
  headers: Headers;
  body: string;
  startedAt: number;
  endedAt: number;
}

/** `PATCH /unified/mdm/users/{user}` on `instance` renaming the user to `name`, with `headers` (the token, an Idempotency-Key, …). */
export async function rename(instance: Instance, user: number, name: string, headers: Record<string, string>, account: string = ACCOUNT): Promise<Answer> {
  const startedAt = performance.now();
  const res = await fetch(`${instance.url}/unified/mdm/users/${user}?integrated_account_id=${account}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name }),
    signal: AbortSignal.timeout(120_000),
  });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body, startedAt, endedAt: performance.now() };
}

/** `GET /readyz` of `instance`. */
export async function readiness(instance: Instance): Promise<{ status: number; body: string }> {
  const res = await fetch(`${instance.url}/readyz`, { signal: AbortSignal.timeout(30_000) });
  return { status: res.status, body: await res.text() };
}

/** Polls `check` every 100 ms until it holds; answers how long that took (ms). Throws after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check().catch(() => false)) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
