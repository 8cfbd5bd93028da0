/**
 * `npm run bench`: the same PATCH (the reference example) against each layer, side by side, interleaved
 * in one run, on loopback. See docs/performance.md for what each variant is and why it is set up so.
 *
 * Environment: BENCH_SECONDS (5) measured per variant and round, BENCH_WARMUP_SECONDS (1),
 * BENCH_ROUNDS (3), BENCH_CONNECTIONS (10), BENCH_DELAY_MS (10), BENCH_ONLY (comma-separated variant
 * keys, e.g. `a,b`; such a partial run writes partial.json, not latest.json), BENCH_SKIP (stream,cold,prism), BENCH_PROFILE (variant keys, comma-separated: those servers run
 * with `--cpu-prof` into bench/results/profiles/).
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type autocannon from 'autocannon';
import { request } from 'undici';
import {
  JAMF_PUT_QUERY, JAMF_PUT_XML, JAMF_USER_PATH, PATCH_BODY, PATCH_HEADERS, PATCH_PATH, SIM_CLIENT, unifiedAnswer,
} from './common';
import { coldStart, streamCheck } from './lib/checks';
import { LAYER_LABELS } from './lib/layers-app';
import { runLoad, type LoadResult } from './lib/load';
import {
  cpuMs, forkServer, peakRssMb, ROOT, serverWarnings, startMain, startPrism, startSimulatorCli, type Started,
} from './lib/proc';
import { median } from './lib/stats';
import { REDIS_KEYS, REDIS_RATIOS, redisVariants } from './redis';

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0, got '${raw}'`);
  return value;
};
const SECONDS = num('BENCH_SECONDS', 5);
const WARMUP = num('BENCH_WARMUP_SECONDS', 1);
const ROUNDS = num('BENCH_ROUNDS', 3);
const CONNECTIONS = num('BENCH_CONNECTIONS', 10);
const DELAY_MS = num('BENCH_DELAY_MS', 10);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const PROFILE = process.env.BENCH_PROFILE;
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const PROFILE_DIR = join(RESULTS_DIR, 'profiles');
/** `npm run bench -- layers`: the real app's layers added one at a time (bench/servers/layers.ts) instead of the variants. */
const LAYERS_MODE = process.argv.includes('layers');

interface Variant {
  key: string;
  label: string;
  /** The server under test, whose CPU and memory are reported. */
  server: Started;
  /** The simulator behind it, if any (its CPU is reported too). */
  simulator?: Started;
  requests: autocannon.Request[];
}

interface Measurement extends LoadResult {
  round: number;
  serverCpuUsPerOp: number;
  simCpuUsPerOp: number | null;
  /** CPU of the server under test over the measured window, as a share of one core. */
  serverCpuShare: number;
}

const fmt = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const log = (line: string): void => { process.stdout.write(`${line}\n`); };

const patchRequest: autocannon.Request = { method: 'PATCH', path: PATCH_PATH, headers: PATCH_HEADERS, body: PATCH_BODY };

/** An API token and the sticky cookie of a simulator, for the load tool's own PUT + GET. */
async function jamfSession(simulatorUrl: string): Promise<{ authorization: string; cookie: string }> {
  const res = await request(`${simulatorUrl}/api/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...SIM_CLIENT }).toString(),
  });
  const token = (await res.body.json()) as { access_token: string };
  const authorization = `Bearer ${token.access_token}`;
  const put = await request(`${simulatorUrl}${JAMF_USER_PATH}?${JAMF_PUT_QUERY}`, {
    method: 'PUT', headers: { authorization, 'content-type': 'application/xml', accept: 'application/xml' }, body: JAMF_PUT_XML,
  });
  await put.body.text();
  if (put.statusCode !== 201) throw new Error(`the simulator answered the PUT with ${put.statusCode}`);
  const setCookie = put.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';', 1)[0] ?? '';
  return { authorization, cookie };
}

function upstreamRequests(session: { authorization: string; cookie: string }): autocannon.Request[] {
  return [
    { method: 'PUT', path: `${JAMF_USER_PATH}?${JAMF_PUT_QUERY}`, headers: { authorization: session.authorization, 'content-type': 'application/xml', accept: 'application/xml' }, body: JAMF_PUT_XML },
    { method: 'GET', path: JAMF_USER_PATH, headers: { authorization: session.authorization, accept: 'application/json', cookie: session.cookie } },
  ];
}

/** One PATCH, to check that a variant answers what the real server answers. */
async function probe(url: string): Promise<{ status: number; body: unknown }> {
  const res = await request(`${url}${PATCH_PATH}`, { method: 'PATCH', headers: PATCH_HEADERS, body: PATCH_BODY });
  const text = await res.body.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.statusCode, body };
}

async function measure(variant: Variant, round: number): Promise<Measurement> {
  if (WARMUP > 0) await runLoad({ url: variant.server.url, connections: CONNECTIONS, seconds: WARMUP, requests: variant.requests });
  const serverPid = variant.server.pid;
  const simPid = variant.simulator?.pid;
  const cpu0 = cpuMs(serverPid);
  const sim0 = simPid === undefined ? 0 : cpuMs(simPid);
  const result = await runLoad({ url: variant.server.url, connections: CONNECTIONS, seconds: SECONDS, requests: variant.requests });
  const cpu = cpuMs(serverPid) - cpu0;
  const sim = simPid === undefined ? 0 : cpuMs(simPid) - sim0;
  return {
    ...result,
    round,
    serverCpuUsPerOp: (cpu * 1000) / Math.max(1, result.ops),
    simCpuUsPerOp: simPid === undefined ? null : (sim * 1000) / Math.max(1, result.ops),
    serverCpuShare: cpu / result.elapsedMs,
  };
}

interface RatioDef { name: string; num: string; den: string; field: 'opsPerSec' | 'p50diff'; target?: { op: '>=' | '<='; value: number } }

const RATIOS: RatioDef[] = [
  { name: 'm/e requests/s (npm start, embedded simulator / Prism mock)', num: 'm', den: 'e', field: 'opsPerSec', target: { op: '>=', value: 1.5 } },
  { name: 'b/a requests/s (real server, stub Jamf / bare Express)', num: 'b', den: 'a', field: 'opsPerSec', target: { op: '>=', value: 0.75 } },
  { name: 'b/e requests/s (real server, stub Jamf / Prism mock)', num: 'b', den: 'e', field: 'opsPerSec', target: { op: '>=', value: 2.5 } },
  { name: 'c/t requests/s, CPU-bound (real / thinnest gateway)', num: 'c0', den: 't0', field: 'opsPerSec', target: { op: '>=', value: 0.5 } },
  { name: 'c/d requests/s, CPU-bound (real / upstream floor)', num: 'c0', den: 'd0', field: 'opsPerSec' },
  { name: 't/d requests/s, CPU-bound (thinnest / upstream floor)', num: 't0', den: 'd0', field: 'opsPerSec' },
  { name: `c/d requests/s, latency-bound (+${DELAY_MS} ms per Jamf call)`, num: 'c10', den: 'd10', field: 'opsPerSec', target: { op: '>=', value: 0.9 } },
  { name: 'c/t requests/s, latency-bound', num: 'c10', den: 't10', field: 'opsPerSec' },
  { name: 'c−d added p50 ms, latency-bound', num: 'c10', den: 'd10', field: 'p50diff', target: { op: '<=', value: 2 } },
  { name: 't−d added p50 ms, latency-bound', num: 't10', den: 'd10', field: 'p50diff' },
  ...REDIS_RATIOS,
];

function machine(): { nproc: number; cpu: string; node: string; commit: string; date: string } {
  let commit = '';
  try { commit = execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
  return { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, commit, date: new Date().toISOString() };
}

async function main(): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const profileArgs = (key: string): string[] => (PROFILE?.split(',').includes(key) ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []);
  const want = (key: string): boolean => !ONLY || ONLY.has(key);
  const started: Started[] = [];
  const keep = async (p: Promise<Started>): Promise<Started> => { const s = await p; started.push(s); return s; };
  const meta = { ...machine(), seconds: SECONDS, warmupSeconds: WARMUP, rounds: ROUNDS, connections: CONNECTIONS, delayMs: DELAY_MS };
  log(`mdm-users bench: ${meta.nproc} × ${meta.cpu}, node ${meta.node}, commit ${meta.commit}`);
  log(`${CONNECTIONS} connections, ${WARMUP} s warm-up + ${SECONDS} s measured per variant, ${ROUNDS} interleaved rounds`);

  const variants: Variant[] = [];
  try {
    if (LAYERS_MODE) {
      for (let layer = 0; layer <= 6; layer++) {
        const key = `L${layer}`;
        if (want(key)) variants.push({ key, label: `${key} ${LAYER_LABELS[layer]}`, server: await keep(forkServer(key, 'layers.js', { BENCH_LAYERS: String(layer) }, profileArgs(key))), requests: [patchRequest] });
      }
    }
    const needSim0 = !LAYERS_MODE && ['c0', 't0', 'd0', ...REDIS_KEYS[0]].some(want);
    const needSim10 = !LAYERS_MODE && ['c10', 't10', 'd10', ...REDIS_KEYS[10]].some(want);
    const sims: Record<string, Started> = {};
    if (needSim0) sims['0'] = await keep(startSimulatorCli('simulator(0 ms)', 0));
    if (needSim10) sims['10'] = await keep(startSimulatorCli(`simulator(${DELAY_MS} ms)`, DELAY_MS));
    const gatewayEnv = (upstream: string): Record<string, string> => ({ BENCH_UPSTREAM: upstream, BENCH_MAX_CONCURRENCY: String(CONNECTIONS) });

    if (!LAYERS_MODE && want('a')) variants.push({ key: 'a', label: 'a  bare Express, fixed answer', server: await keep(forkServer('a', 'floor.js', {}, profileArgs('a'))), requests: [patchRequest] });
    if (!LAYERS_MODE && want('b')) variants.push({ key: 'b', label: 'b  real server, stub Jamf', server: await keep(forkServer('b', 'gateway.js', gatewayEnv('stub'), profileArgs('b'))), requests: [patchRequest] });
    if (!LAYERS_MODE && want('m')) variants.push({ key: 'm', label: 'm  npm start (embedded simulator)', server: await keep(startMain('m', profileArgs('m'))), requests: [patchRequest] });
    if (!LAYERS_MODE && want('e') && !SKIP.has('prism')) {
      variants.push({ key: 'e', label: 'e  Prism 5.14.2 mock', server: await keep(startPrism('e', join(ROOT, 'openapi', 'mdm-users.yaml'), join(RESULTS_DIR, 'prism.log'))), requests: [patchRequest] });
    }
    for (const [delay, sim] of Object.entries(sims)) {
      const mode = delay === '0' ? 'CPU-bound' : `+${DELAY_MS} ms`;
      const key = (k: string): string => `${k}${delay}`;
      if (want(key('c'))) variants.push({ key: key('c'), label: `${key('c').padEnd(3)} real server → simulator (${mode})`, server: await keep(forkServer(key('c'), 'gateway.js', gatewayEnv(sim.url), profileArgs(key('c')))), simulator: sim, requests: [patchRequest] });
      if (want(key('t'))) variants.push({ key: key('t'), label: `${key('t').padEnd(3)} thinnest gateway → simulator (${mode})`, server: await keep(forkServer(key('t'), 'thin.js', gatewayEnv(sim.url), profileArgs(key('t')))), simulator: sim, requests: [patchRequest] });
      if (want(key('d'))) variants.push({ key: key('d'), label: `${key('d').padEnd(3)} PUT + GET straight to simulator (${mode})`, server: sim, requests: upstreamRequests(await jamfSession(sim.url)) });
    }
    if (!LAYERS_MODE) variants.push(...(await redisVariants({ want, keep, sims, env: gatewayEnv, profileArgs })));

    // Every variant must answer 200 (and the gateways what the floor answers) before it is measured.
    const expected = unifiedAnswer();
    for (const v of variants) {
      if (v.key.startsWith('d')) continue;
      const { status, body } = await probe(v.server.url);
      if (status !== 200) throw new Error(`${v.key} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
      if (['a', 'b', 'm', 'c0', 'c10'].includes(v.key) && !isDeepStrictEqual(body, expected)) {
        throw new Error(`${v.key} answered a different user: ${JSON.stringify(body).slice(0, 300)}`);
      }
    }

    const measurements = new Map<string, Measurement[]>(variants.map((v) => [v.key, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const shift = (round * 3) % Math.max(1, variants.length);
      const order = [...variants.slice(shift), ...variants.slice(0, shift)];
      for (const v of order) {
        const m = await measure(v, round + 1);
        measurements.get(v.key)?.push(m);
        log(`  round ${round + 1} ${v.key.padEnd(3)} ${fmt(m.opsPerSec, 0).padStart(7)} ops/s  p50 ${fmt(m.p50)} ms  p99 ${fmt(m.p99)} ms  server CPU ${fmt(m.serverCpuUsPerOp, 0)} µs/op (${fmt(m.serverCpuShare * 100, 0)}% of a core)${m.failures ? `  FAILURES ${m.failures}` : ''}`);
      }
    }

    const summary: Record<string, Record<string, unknown>> = {};
    for (const v of variants) {
      const ms = measurements.get(v.key) ?? [];
      summary[v.key] = {
        label: v.label.slice(v.key.length).trim(),
        opsPerSec: median(ms.map((m) => m.opsPerSec)),
        p50: median(ms.map((m) => m.p50)),
        p99: median(ms.map((m) => m.p99)),
        serverCpuUsPerOp: median(ms.map((m) => m.serverCpuUsPerOp)),
        simCpuUsPerOp: v.simulator ? median(ms.map((m) => m.simCpuUsPerOp ?? Number.NaN)) : null,
        peakRssMb: peakRssMb(v.server.pid),
        failures: ms.reduce((sum, m) => sum + m.failures, 0),
        rounds: ms,
      };
    }
    const ratios: Record<string, Record<string, unknown>> = {};
    const ratioDefs: RatioDef[] = LAYERS_MODE
      ? variants.filter((v) => v.key !== 'L0').map((v) => ({ name: `${v.key}/L0 requests/s`, num: v.key, den: 'L0', field: 'opsPerSec' as const }))
      : RATIOS;
    for (const r of ratioDefs) {
      const num = measurements.get(r.num);
      const den = measurements.get(r.den);
      if (!num || !den || num.length === 0 || den.length === 0) continue;
      const perRound = num.map((m, i) => {
        const d = den[i] as Measurement;
        return r.field === 'opsPerSec' ? m.opsPerSec / d.opsPerSec : m.p50 - d.p50;
      });
      const value = median(perRound);
      const pass = r.target ? (r.target.op === '>=' ? value >= r.target.value : value <= r.target.value) : undefined;
      ratios[r.name] = { value, perRound, ...(r.target ? { target: `${r.target.op} ${r.target.value}`, pass } : {}) };
    }

    for (const s of started) if (!variants.some((v) => v.server === s)) summary[`(${s.name})`] = { peakRssMb: peakRssMb(s.pid) };
    for (const s of started) await s.stop();
    started.length = 0;

    const stream = SKIP.has('stream') || LAYERS_MODE ? undefined : await streamCheck();
    const cold = SKIP.has('cold') || LAYERS_MODE ? undefined : await coldStart();

    log('');
    log('| variant | req/s | p50 ms | p99 ms | server CPU µs/req | sim CPU µs/req | peak RSS MB |');
    log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const v of variants) {
      const s = summary[v.key] as Record<string, number | null>;
      log(`| ${v.label} | ${fmt(s.opsPerSec as number, 0)} | ${fmt(s.p50 as number)} | ${fmt(s.p99 as number)} | ${fmt(s.serverCpuUsPerOp as number, 0)} | ${s.simCpuUsPerOp === null ? '' : fmt(s.simCpuUsPerOp as number, 0)} | ${fmt(s.peakRssMb as number, 0)} |`);
    }
    log('');
    log('| ratio (median of rounds) | value | per round | target |');
    log('| --- | ---: | --- | --- |');
    for (const [name, r] of Object.entries(ratios)) {
      const target = r.target ? `${r.target} ${r.pass ? 'met' : 'MISSED'}` : '';
      log(`| ${name} | ${fmt(r.value as number)} | ${(r.perRound as number[]).map((x) => fmt(x)).join(', ')} | ${target} |`);
    }
    if (stream) {
      log(`\nstream of a 100 MB remote body, fresh server each time: server RSS grew ${fmt(stream.growthMbMedian as number, 1)} MB (median of 3), ${fmt(stream.growthMbMax as number, 1)} MB (max); target < 32 MB ${(stream.growthMbMedian as number) < 32 ? 'met' : 'MISSED'}`);
      log(`  300 MB remote body: RSS grew ${fmt(stream.growthMb300 as number, 1)} MB; runs: ${(stream.runs as Array<{ remoteMb: number; growthMb: number; seconds: number }>).map((r) => `${r.remoteMb} MB +${fmt(r.growthMb, 1)} MB in ${fmt(r.seconds, 1)} s`).join(', ')}`);
    }
    const warnings = [...serverWarnings].map(([what, n]) => `${what} ×${n}`);
    log(`process warnings printed by the servers: ${warnings.length === 0 ? 'none' : warnings.join(', ')}`);
    if (cold) log(`cold start (node dist/src/main.js, embedded simulator) to the first 200: ${fmt(cold.firstResponseMsMedian as number, 0)} ms (median); target < 1000 ms ${(cold.firstResponseMsMedian as number) < 1000 ? 'met' : 'MISSED'}`);

    // A partial run (BENCH_ONLY) keeps its figures apart, so latest.json stays the last complete run.
    const stem = LAYERS_MODE ? 'layers' : ONLY ? 'partial' : 'latest';
    const latestFile = join(RESULTS_DIR, `${stem}.json`);
    const previous = existsSync(latestFile) ? (JSON.parse(readFileSync(latestFile, 'utf8')) as { meta?: { date?: string; commit?: string }; variants?: Record<string, { opsPerSec?: number }>; ratios?: Record<string, { value?: number }> }) : undefined;
    if (previous) {
      log(`\ncompared with the previous run (${previous.meta?.date ?? '?'}, commit ${previous.meta?.commit ?? '?'}): new/old`);
      for (const v of variants) {
        const old = previous.variants?.[v.key]?.opsPerSec;
        if (old) log(`  ${v.key.padEnd(4)} req/s ${fmt((summary[v.key]?.opsPerSec as number) / old)}×`);
      }
      for (const [name, r] of Object.entries(ratios)) {
        const old = previous.ratios?.[name]?.value;
        if (old !== undefined) log(`  ${name}: ${fmt(old)} → ${fmt(r.value as number)}`);
      }
      renameSync(latestFile, join(RESULTS_DIR, stem === 'latest' ? 'previous.json' : `${stem}.previous.json`));
    }
    writeFileSync(latestFile, `${JSON.stringify({ meta, variants: summary, ratios, stream, coldStart: cold, serverWarnings: Object.fromEntries(serverWarnings) }, null, 2)}\n`);
    log(`\nwritten ${latestFile}`);
  } finally {
    for (const s of started) await s.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
