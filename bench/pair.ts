/**
 * Two servers compared in short alternating slices (A B, B A, A B, …: ABBA order), so a drift of the
 * machine's load (other jobs on a shared box) falls on both alike. For A/B decisions where `npm run bench`'s
 * 5 s slices per variant move more with the load than with the change.
 *
 * Usage: node dist/bench/pair.js <A> <B> [pairs=20] [seconds per slice=1], A and B among
 * a (floor), b (real server, stub Jamf), m (npm start), e (Prism), or m@<dir> (m from another build, a folder
 * inside this checkout holding that build's dist/, openapi/ and build/, e.g. bench/results/base). Prints A/B requests/s over all slices,
 * the median and quartiles of the per-pair ratios, and each side's req/s and CPU per request.
 */
import { join, resolve } from 'node:path';
import { PATCH_BODY, PATCH_HEADERS, PATCH_PATH } from './common';
import { runLoad } from './lib/load';
import { cpuMs, forkServer, ROOT, startMain, startPrism, type Started } from './lib/proc';

const SERVERS: Record<string, () => Promise<Started>> = {
  a: () => forkServer('a', 'floor.js', {}),
  b: () => forkServer('b', 'gateway.js', { BENCH_UPSTREAM: 'stub' }),
  m: () => startMain('m'),
  e: () => startPrism('e', join(ROOT, 'openapi', 'mdm-users.yaml'), join(ROOT, 'bench', 'results', 'prism-pair.log')),
};
/** A key of {@link SERVERS}, or `m@<dir>`: variant m from another build (a folder holding its dist/, openapi/, build/). */
function serverOf(key: string): (() => Promise<Started>) | undefined {
  const [base, root] = key.split('@');
  if (base === 'm' && root) return () => startMain(key, [], resolve(root));
  return SERVERS[key];
}
const requests = [{ method: 'PATCH' as const, path: PATCH_PATH, headers: PATCH_HEADERS, body: PATCH_BODY }];

async function main(): Promise<void> {
  const [keyA = '', keyB = '', pairsArg, sliceArg] = process.argv.slice(2);
  const startA = serverOf(keyA);
  const startB = serverOf(keyB);
  if (!startA || !startB) throw new Error(`usage: pair <A> <B> [pairs] [seconds], A and B among ${Object.keys(SERVERS).join(', ')}`);
  const pairs = Number(pairsArg ?? 20);
  const seconds = Number(sliceArg ?? 1);
  const sides = [await startA(), await startB()];
  try {
    for (const s of sides) await runLoad({ url: s.url, connections: 10, seconds: 5, requests });
    const ops = [0, 0];
    const cpu = [0, 0];
    const ratios: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const rate = [0, 0];
      for (const side of i % 2 ? [1, 0] : [0, 1]) {
        const server = sides[side] as Started;
        const before = cpuMs(server.pid);
        const result = await runLoad({ url: server.url, connections: 10, seconds, requests });
        cpu[side] = (cpu[side] as number) + cpuMs(server.pid) - before;
        ops[side] = (ops[side] as number) + result.ops;
        rate[side] = result.opsPerSec;
      }
      ratios.push((rate[0] as number) / (rate[1] as number));
    }
    ratios.sort((x, y) => x - y);
    const at = (q: number): string => (ratios[Math.floor(q * (ratios.length - 1))] as number).toFixed(2);
    const side = (i: number, key: string): string => `${key} ${((ops[i] as number) / pairs / seconds).toFixed(0)} req/s, ${(((cpu[i] as number) * 1000) / (ops[i] as number)).toFixed(0)} µs CPU/req`;
    process.stdout.write(`${keyA}/${keyB} requests/s: ${((ops[0] as number) / (ops[1] as number)).toFixed(2)} over all slices; per pair median ${at(0.5)}, quartiles ${at(0.25)}–${at(0.75)} (${pairs} pairs of ${seconds} s); ${side(0, keyA)}; ${side(1, keyB)}\n`);
  } finally {
    for (const s of sides) await s.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`pair failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
