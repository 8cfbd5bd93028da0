/** Child processes of the benchmark: starting them, and reading their memory and CPU time from /proc. */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, openSync, closeSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { request } from 'undici';
import { API_TOKEN, type ReadyMessage } from '../common';

export const ROOT = join(__dirname, '..', '..', '..');
/** Compiled bench servers (bench/servers/*.ts built to dist/bench/servers). */
export const SERVERS_DIR = join(__dirname, '..', 'servers');

export interface Started {
  name: string;
  url: string;
  /** Its process, whose CPU time and memory are read from /proc. */
  pid: number;
  stop(): Promise<void>;
}

const CLK_TCK = 100;

/** Process warnings (MaxListenersExceededWarning, …) the servers printed, by name and server. */
export const serverWarnings = new Map<string, number>();

/** Passes a child's stderr through to ours and counts the process warnings in it. */
function watchStderr(name: string, child: ChildProcess): void {
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    for (const match of chunk.toString('utf8').matchAll(/\b([A-Z][A-Za-z]*Warning)\b/g)) {
      const key = `${match[1]} (${name})`;
      serverWarnings.set(key, (serverWarnings.get(key) ?? 0) + 1);
    }
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

/**
 * Forks a compiled bench server with `env`; resolves once it announces its URL over IPC. Its stdout
 * (where the real server logs) goes to /dev/null, so logging costs the server what it costs in
 * production but costs the load generator nothing.
 */
export function forkServer(name: string, script: string, env: Record<string, string>, execArgv: string[] = []): Promise<Started> {
  const child = fork(join(SERVERS_DIR, script), [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  watchStderr(name, child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name} did not start within 30 s`)); }, 30_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited with ${code} before listening`)); });
    child.on('message', (message: ReadyMessage) => {
      if (!message?.ready) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ name, url: message.url, pid: child.pid as number, stop: stopper(child) });
    });
  });
}

/** Runs the simulator's own CLI (dist/src/jamf/simulator/main.js) and reads its `{"url": …}` line. */
export function startSimulatorCli(name: string, delayMs: number): Promise<Started> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'jamf', 'simulator', 'main.js')], {
    env: { ...process.env, SIM_DELAY_MS: String(delayMs), SIM_HOST: '127.0.0.1', SIM_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  watchStderr(name, child);
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name} did not start within 30 s`)); }, 30_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited with ${code} before listening`)); });
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n')[0];
      if (!text.includes('\n') || line === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({ name, url: (JSON.parse(line) as { url: string }).url, pid: child.pid as number, stop: stopper(child) });
    });
  });
}

/**
 * Variant m: `node dist/src/main.js` as `npm start` runs it with no accounts file (embedded Jamf simulator,
 * demo account, production defaults), on a free port, with only the bench's API token and a never-refusing
 * per-token rate limit set. Ready once it answers HTTP at all. `root`: the checkout whose build runs (another build,
 * copied with its openapi/ and build/ into a folder of this checkout, for an A/B of two builds).
 */
export async function startMain(name: string, execArgv: string[] = [], root = ROOT): Promise<Started> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...execArgv, join(root, 'dist', 'src', 'main.js')], {
    env: { ...process.env, MDM_API_TOKENS: API_TOKEN, MDM_RATE_LIMIT_PER_TOKEN: '1000000000/1s', PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  watchStderr(name, child);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before listening`);
    if (await answers(url)) break;
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`${name} did not start within 30 s`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { name, url, pid: child.pid as number, stop: stopper(child) };
}

/** Whether an HTTP server answers at `url` (any status). */
async function answers(url: string): Promise<boolean> {
  try {
    const res = await request(url, { method: 'GET', reset: true });
    await res.body.dump();
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on loopback (free a moment ago). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts Prism's CLI mock on the spec; its log goes to a file; ready once the port answers. */
export async function startPrism(name: string, spec: string, logFile: string): Promise<Started> {
  const port = await freePort();
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js'), 'mock', '-h', '127.0.0.1', '-p', String(port), spec], {
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
    if (readFileSync(logFile, 'utf8').includes('Prism is listening')) break;
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`${name} did not start within 60 s; see ${logFile}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, url, pid: child.pid as number, stop: stopper(child) };
}

/** A process and its descendants (Prism may fork). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => { out.push(p); for (const c of children.get(p) ?? []) walk(c); };
  walk(pid);
  return out;
}

/** CPU time (user + system) of a process tree, in ms. */
export function cpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return (ticks * 1000) / CLK_TCK;
}

function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident memory now, MB, summed over the process tree. */
export function rssMb(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0) / 1024;
}

/** Peak resident memory since start (or the last {@link resetPeakRss}), MB, summed over the process tree. */
export function peakRssMb(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + statusKb(p, 'VmHWM'), 0) / 1024;
}

/** Resets the kernel's peak-RSS mark (VmHWM) of a process; false where the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
