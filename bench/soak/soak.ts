/**
 * Soak: SOAK_SECONDS (60) of SOAK_CONCURRENCY (50) concurrent updates against the gateway, with
 * SOAK_FAULT_RATE (5 %) of Jamf calls failing (503 and 500 status pages, reset connections).
 *
 *   npm run soak        (builds, then: node dist/bench/soak/soak.js)
 *
 * Three processes: this one (the load), the gateway exactly as `npm start` runs it (node
 * dist/src/main.js, accounts file pointing at the simulator, response validation 'log', rate limit
 * off) and the Jamf simulator (simulator-process.ts). Loopback only; it stops by itself.
 *
 * Expected answers: 200, and 502 — the documented remote error for Jamf 5xx and reset connections
 * (contract §5) when the connector's retries (503 and resets are retried, 3 attempts) do not save the
 * update (a 500 is not retried). Anything else, or no answer, is unexpected. Exit code 1 when there
 * is an unexpected answer, when the gateway's RSS or live heap (both measured after a full GC, through
 * memory-probe.ts) grew 10 % or more from the end of the warm-up to the end, or when a client
 * connection is left open. Every figure is printed, raw RSS samples included.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { FromSimulator, SimulatorStats, ToSimulator } from './simulator-process';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
/**
 * Not counted in SECONDS. The gateway's RSS climbs for the first ~30 s of load (V8 sizes its heap and
 * glibc keeps freed pages; a 180 s run plateaued from there) while its live heap stays flat; growth is
 * measured from the end of the warm-up.
 */
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP_SECONDS ?? 30);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 50);
const FAULT_RATE = Number(process.env.SOAK_FAULT_RATE ?? 0.05);
const SEED = Number(process.env.SOAK_SEED ?? 7);
const ACCOUNT_ID = '5b0c2f1e-9d3a-4c57-8e21-0a6f4d7b9c13';
const TOKEN = 'soak-api-token-0123456789abcdef';
const FIRST_USER = 5000;
const EXPECTED = new Set([200, 502]);
const ROOT_DIST = join(__dirname, '..', '..');

// ---------- processes ----------

function startSimulator(): Promise<{ child: ChildProcess; url: string; ask: (m: ToSimulator) => Promise<SimulatorStats> }> {
  const child = fork(join(__dirname, 'simulator-process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting: Array<(s: SimulatorStats) => void> = [];
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before it was ready`)));
    child.on('message', (message: FromSimulator) => {
      if (message.type === 'ready') {
        resolve({
          child,
          url: message.url,
          ask: (m) => new Promise((done) => { waiting.push(done); child.send(m); }),
        });
      } else if (message.type === 'stats') {
        waiting.shift()?.(message);
      }
    });
  });
}

interface Memory { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }

interface Gateway {
  child: ChildProcess;
  url: string;
  /** A full GC in the gateway, then its memory (memory-probe.ts). */
  memory(): Promise<Memory>;
}

async function startGateway(simulatorUrl: string, dir: string): Promise<Gateway> {
  const accountsFile = join(dir, 'accounts.json');
  writeFileSync(accountsFile, JSON.stringify({ accounts: [{
    id: ACCOUNT_ID,
    integration: 'jamf',
    context: { instance_url: simulatorUrl, auth: { type: 'client_credentials', client_id: 'sim-client', client_secret: 'sim-secret' }, timeout_ms: 10_000 },
  }] }));
  const child = spawn(process.execPath, ['--expose-gc', '--require', join(__dirname, 'memory-probe.js'), join(ROOT_DIST, 'src', 'main.js')], {
    env: {
      ...process.env, HOST: '127.0.0.1', PORT: '0', MDM_API_TOKENS: TOKEN, MDM_ACCOUNTS_FILE: accountsFile,
      MDM_RATE_LIMIT_PER_TOKEN: 'off', MDM_RESPONSE_VALIDATION: 'log', LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const probes: Array<(m: Memory) => void> = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    for (const match of stderr.matchAll(/MEMPROBE (\{[^\n]*\})\n/g)) probes.shift()?.(JSON.parse(match[1] as string) as Memory);
    stderr = stderr.replace(/MEMPROBE [^\n]*\n/g, '');
  });
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before listening: ${stderr}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
  });
  child.removeAllListeners('exit');
  const memory = (): Promise<Memory> => new Promise((resolve) => {
    probes.push(resolve);
    child.kill('SIGUSR2');
  });
  return { child, url, memory };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(killer);
}

// ---------- /proc ----------

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  return kb / 1024;
}

interface Sockets { total: number; listening: number; toJamf: number; fromClients: number; other: number }

/** The gateway's open sockets, sorted by what they connect, from its file descriptors and /proc/net/tcp{,6}. */
function openSockets(pid: number, gatewayPort: number, jamfPort: number): Sockets {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch { /* closed meanwhile */ }
  }
  const result: Sockets = { total: inodes.size, listening: 0, toJamf: 0, fromClients: 0, other: 0 };
  const seen = new Set<string>();
  for (const table of ['tcp', 'tcp6']) {
    let text = '';
    try { text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8'); } catch { continue; }
    for (const line of text.trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [local, remote, state, inode] = [cols[1], cols[2], cols[3], cols[9]];
      if (!inode || !inodes.has(inode) || seen.has(inode)) continue;
      seen.add(inode);
      const localPort = parseInt(local?.split(':')[1] ?? '', 16);
      const remotePort = parseInt(remote?.split(':')[1] ?? '', 16);
      if (state === '0A') result.listening++;
      else if (remotePort === jamfPort) result.toJamf++;
      else if (localPort === gatewayPort) result.fromClients++;
      else result.other++;
    }
  }
  result.other += inodes.size - seen.size; // not TCP (e.g. Unix sockets)
  return result;
}

// ---------- load ----------

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);
}

interface Tally { statuses: Map<string, number>; unexpected: Map<string, number>; latencies: number[]; samples: string[] }

async function load(pool: Pool, seconds: number, tally: Tally | undefined, iteration: { n: number }): Promise<void> {
  const until = performance.now() + seconds * 1000;
  const worker = async (w: number): Promise<void> => {
    const id = FIRST_USER + w;
    while (performance.now() < until) {
      const i = iteration.n++;
      const body = JSON.stringify({
        name: `soak-user-${id}`,
        emails: [{ email: `user${id}+${i % 97}@example.com`, type: 'work', is_primary: true }],
        remote_data: { position: `iteration ${i} <&>`, sites: [{ id: (i % 5) + 1, name: `Site ${i % 5}` }] },
      });
      const started = performance.now();
      let key: string;
      let ok = false;
      try {
        const res = await pool.request({
          method: 'PATCH',
          path: `/unified/mdm/users/${id}?integrated_account_id=${ACCOUNT_ID}&remote_query[soak]=${i}`,
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body,
        });
        const text = await res.body.text();
        key = String(res.statusCode);
        ok = EXPECTED.has(res.statusCode);
        if (res.statusCode === 502) ok = (JSON.parse(text) as { truto_is_remote_error?: boolean }).truto_is_remote_error === true;
        if (!ok && tally && tally.samples.length < 5) tally.samples.push(`${res.statusCode} ${text.slice(0, 300)}`);
      } catch (err) {
        key = `no answer (${(err as Error).message})`;
      }
      if (!tally) continue;
      tally.latencies.push(performance.now() - started);
      tally.statuses.set(key, (tally.statuses.get(key) ?? 0) + 1);
      if (!ok) tally.unexpected.set(key, (tally.unexpected.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'soak-'));
  const simulator = await startSimulator();
  let gateway: Gateway | undefined;
  try {
    gateway = await startGateway(simulator.url, dir);
    const pid = gateway.child.pid as number;
    const gatewayPort = Number(new URL(gateway.url).port);
    const jamfPort = Number(new URL(simulator.url).port);
    await simulator.ask({ type: 'users', ids: Array.from({ length: CONCURRENCY }, (_, w) => FIRST_USER + w) });
    await simulator.ask({ type: 'faults', rate: FAULT_RATE, seed: SEED });
    const rssBoot = rssMb(pid);

    const pool = new Pool(gateway.url, { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
    const iteration = { n: 0 };
    await load(pool, WARMUP_SECONDS, undefined, iteration);
    const jamfBefore = await simulator.ask({ type: 'stats' });

    const memStart = await gateway.memory();
    const rssStart = rssMb(pid);
    const rssSamples: Array<[number, number]> = [[0, rssStart]];
    const tally: Tally = { statuses: new Map(), unexpected: new Map(), latencies: [], samples: [] };
    const started = performance.now();
    const sampler = setInterval(() => rssSamples.push([(performance.now() - started) / 1000, rssMb(pid)]), 5000);
    await load(pool, SECONDS, tally, iteration);
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const rssEnd = rssMb(pid);
    rssSamples.push([elapsed, rssEnd]);
    const memEnd = await gateway.memory();
    const jamfAfter = await simulator.ask({ type: 'stats' });

    await pool.close();
    await sleep(1000); // lets the gateway see the client connections close
    const sockets = openSockets(pid, gatewayPort, jamfPort);

    const total = tally.latencies.length;
    const sorted = tally.latencies.sort((a, b) => a - b);
    const unexpected = [...tally.unexpected.values()].reduce((a, b) => a + b, 0);
    const jamfCalls = jamfAfter.requests - jamfBefore.requests;
    const injected = {
      '503': jamfAfter.injected['503'] - jamfBefore.injected['503'],
      '500': jamfAfter.injected['500'] - jamfBefore.injected['500'],
      reset: jamfAfter.injected.reset - jamfBefore.injected.reset,
    };
    const faults = injected['503'] + injected['500'] + injected.reset;
    const growth = (rssEnd - rssStart) / rssStart;
    // Least-squares slope of RSS over the measured window: a leak shows as a steady climb, GC noise does not.
    const meanT = rssSamples.reduce((a, [t]) => a + t, 0) / rssSamples.length;
    const meanR = rssSamples.reduce((a, [, r]) => a + r, 0) / rssSamples.length;
    const slope = rssSamples.reduce((a, [t, r]) => a + (t - meanT) * (r - meanR), 0) / rssSamples.reduce((a, [t]) => a + (t - meanT) ** 2, 0);
    const fmt = (n: number): string => n.toFixed(1);
    const mb = (bytes: number): string => fmt(bytes / 1048576);
    const pct = (a: number, b: number): string => `${b >= a ? '+' : ''}${fmt((100 * (b - a)) / a)} %`;
    const heapGrowth = (memEnd.heapUsed - memStart.heapUsed) / memStart.heapUsed;
    const rssGcGrowth = (memEnd.rss - memStart.rss) / memStart.rss;

    const lines = [
      `soak: ${fmt(elapsed)} s of ${CONCURRENCY} concurrent updates (after ${WARMUP_SECONDS} s warm-up); 3 processes: load (pid ${process.pid}), gateway 'node dist/src/main.js' (pid ${pid}), Jamf simulator (pid ${simulator.child.pid})`,
      `requests: ${total} (${fmt(total / elapsed)}/s); latency ms p50 ${fmt(percentile(sorted, 50))}, p95 ${fmt(percentile(sorted, 95))}, p99 ${fmt(percentile(sorted, 99))}, max ${fmt(sorted[sorted.length - 1] ?? Number.NaN)}`,
      `status histogram: ${[...tally.statuses].sort().map(([s, n]) => `${s}: ${n}`).join(', ')}`,
      `unexpected statuses: ${unexpected}${unexpected > 0 ? ` (${[...tally.unexpected].map(([s, n]) => `${s}: ${n}`).join(', ')}; e.g. ${tally.samples.join(' | ')})` : ''} — expected: 200, and 502 with truto_is_remote_error`,
      `Jamf: ${jamfCalls} calls (${jamfAfter.puts - jamfBefore.puts} PUT, ${jamfAfter.gets - jamfBefore.gets} GET), faults injected ${faults} (${fmt((100 * faults) / Math.max(1, jamfCalls))} %): 503 ×${injected['503']}, 500 ×${injected['500']}, reset ×${injected.reset}; token requests ${jamfAfter.tokenRequests}, connections opened ${jamfAfter.connectionsOpened}`,
      `gateway RSS: ${fmt(rssBoot)} MB at boot, ${fmt(rssStart)} MB at start (after warm-up), ${fmt(rssEnd)} MB at end (${growth >= 0 ? '+' : ''}${fmt(100 * growth)} %), trend ${slope >= 0 ? '+' : ''}${fmt(slope * 60)} MB/min; every 5 s: ${rssSamples.map(([, r]) => fmt(r)).join(' ')}`,
      `gateway after a full GC: RSS ${mb(memStart.rss)} → ${mb(memEnd.rss)} MB (${pct(memStart.rss, memEnd.rss)}), heap used ${mb(memStart.heapUsed)} → ${mb(memEnd.heapUsed)} MB (${pct(memStart.heapUsed, memEnd.heapUsed)}), heap total ${mb(memStart.heapTotal)} → ${mb(memEnd.heapTotal)} MB, external ${mb(memStart.external)} → ${mb(memEnd.external)} MB`,
      `open sockets at end (gateway): ${sockets.total} — listening ${sockets.listening}, to Jamf (keep-alive pool) ${sockets.toJamf}, from clients ${sockets.fromClients}, other ${sockets.other} (not TCP: the stdout/stderr pipes to this process)`,
    ];
    const failures: string[] = [];
    if (unexpected > 0) failures.push(`${unexpected} unexpected answers`);
    // Growth is judged after a full GC at both ends: a single RSS sample swings by ±10 % with GC cycles.
    if (rssGcGrowth >= 0.1) failures.push(`RSS after GC grew ${fmt(100 * rssGcGrowth)} % (limit 10 %)`);
    if (heapGrowth >= 0.1) failures.push(`heap used after GC grew ${fmt(100 * heapGrowth)} % (limit 10 %)`);
    if (sockets.fromClients > 0) failures.push(`${sockets.fromClients} client connections still open`);
    lines.push(failures.length === 0 ? 'verdict: PASS (0 unexpected; RSS and heap after GC grew < 10 %; no client socket left)' : `verdict: FAIL — ${failures.join('; ')}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    process.exitCode = failures.length === 0 ? 0 : 1;
  } finally {
    if (gateway) await stop(gateway.child);
    simulator.child.send({ type: 'stop' } satisfies ToSimulator);
    await Promise.race([once(simulator.child, 'exit'), sleep(5000)]);
    await stop(simulator.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`soak: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
