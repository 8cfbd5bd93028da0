/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_PROFILE=b npm run bench): self time by
 * function and by package, and inclusive time of the functions that matter.
 * Usage: [BENCH_SKIP_MS=3000] [BENCH_CALLERS=fn] node dist/bench/profile-summary.js <file.cpuprofile> [top=30]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [top]');
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// BENCH_SKIP_MS: leave out the first milliseconds (start-up, lazy compilation) to see the steady state.
const skipUs = Number(process.env.BENCH_SKIP_MS ?? 0) * 1000;
const self = new Map<number, number>();
let clock = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  clock += delta;
  if (clock < skipUs) return;
  self.set(id, (self.get(id) ?? 0) + delta);
});
const isIdle = (id: number): boolean => byId.get(id)?.callFrame.functionName === '(idle)';
const sampled = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self].reduce((sum, [id, t]) => sum + (isIdle(id) ? t : 0), 0);
// Percentages are of the busy time (idle left out): a bench server idles while the other variants run.
const total = sampled - idle;

const where = (n: Node): string => {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] as string;
  if (url.includes('/dist/')) return `ours:${url.slice(url.indexOf('/dist/') + 6)}`;
  if (url.startsWith('node:')) return url;
  return url === '' ? '(native/gc)' : url;
};
const label = (n: Node): string => `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${n.callFrame.lineNumber + 1}`;

const selfBy = new Map<string, number>();
const pkgBy = new Map<string, number>();
const inclBy = new Map<string, number>();
for (const [id, t] of self) {
  if (isIdle(id)) continue;
  const n = byId.get(id) as Node;
  selfBy.set(label(n), (selfBy.get(label(n)) ?? 0) + t);
  const pkg = where(n).startsWith('ours:') ? 'ours' : where(n);
  pkgBy.set(pkg, (pkgBy.get(pkg) ?? 0) + t);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur) as Node);
    if (seen.has(l)) continue;
    seen.add(l);
    inclBy.set(l, (inclBy.get(l) ?? 0) + t);
  }
}
/** Self time of node's own and native frames charged to the nearest package frame that called them. */
const chargedBy = new Map<string, number>();
for (const [id, t] of self) {
  let cur: number | undefined = id;
  let pkg = where(byId.get(id) as Node);
  while (cur !== undefined) {
    const w = where(byId.get(cur) as Node);
    if (!w.startsWith('node:') && w !== '(native/gc)') { pkg = w.startsWith('ours:') ? w : w; break; }
    cur = parent.get(cur);
  }
  const n = byId.get(id) as Node;
  if (n.callFrame.functionName === '(idle)') continue;
  if (n.callFrame.functionName === '(garbage collector)' || n.callFrame.functionName === '(program)') pkg = n.callFrame.functionName;
  chargedBy.set(pkg, (chargedBy.get(pkg) ?? 0) + t);
}
const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const print = (title: string, m: Map<string, number>, n: number): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`${pct(t)}  ${k}\n`);
};
/** Busy time under the simulator's frames (an embedded simulator shares the process) and the rest. */
const areas = new Map<string, number>();
for (const [id, t] of self) {
  if (isIdle(id)) continue;
  let area = 'rest (the gateway, its runtime, gc)';
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    if (where(byId.get(cur) as Node).startsWith('ours:src/jamf/simulator/')) { area = 'under the simulator\'s frames'; break; }
  }
  areas.set(area, (areas.get(area) ?? 0) + t);
}
process.stdout.write(`${file}: ${(sampled / 1e6).toFixed(2)} s sampled, ${(total / 1e6).toFixed(2)} s busy; percentages are of the busy time\n`);
print('busy time by area', areas, 5);
print('self time by package', pkgBy, 20);
print('self time by package, node internals and native code charged to their caller', chargedBy, 30);
print('self time by function', selfBy, top);
print('inclusive time by function', inclBy, top);

/** BENCH_CALLERS=name: where the time under functions named `name` comes from (nearest caller outside their package). */
const wanted = process.env.BENCH_CALLERS;
if (wanted) {
  const callers = new Map<string, number>();
  const under = (id: number): number => {
    const n = byId.get(id) as Node;
    return (self.get(id) ?? 0) + (n.children ?? []).reduce((s, c) => s + under(c), 0);
  };
  for (const n of profile.nodes) {
    if (n.callFrame.functionName !== wanted) continue;
    // skip nested occurrences: count only the outermost
    let nested = false;
    for (let cur = parent.get(n.id); cur !== undefined; cur = parent.get(cur)) if ((byId.get(cur) as Node).callFrame.functionName === wanted) { nested = true; break; }
    if (nested) continue;
    const chain: string[] = [];
    for (let cur = parent.get(n.id); cur !== undefined && chain.length < 6; cur = parent.get(cur)) {
      const p = byId.get(cur) as Node;
      if (where(p) !== where(n)) chain.push(label(p));
    }
    const key = chain.join(' < ');
    callers.set(key, (callers.get(key) ?? 0) + under(n.id));
  }
  print(`callers of ${wanted}`, callers, top);
}
