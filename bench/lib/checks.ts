/** The checks after the load rounds: memory of a large stream, and the cold start of `npm start`. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { ACCOUNT_ID, API_TOKEN, PATCH_BODY, PATCH_HEADERS, PATCH_PATH, USER_ID } from '../common';
import { median } from './stats';
import { forkServer, freePort, peakRssMb, resetPeakRss, ROOT, rssMb } from './proc';

/**
 * `truto_response_format=stream` of a large remote body: how much the server's RSS grows. Each run uses a
 * fresh server, warmed on small requests but never streamed (the first stream of a process is the worst
 * case: later ones reuse what the first left to the allocator). The last run streams 3× the body, to show
 * that the growth does not follow the body's size.
 */
export async function streamCheck(): Promise<Record<string, unknown>> {
  const mb = 1024 * 1024;
  const runs: Array<{ remoteMb: number; baselineMb: number; peakMb: number; growthMb: number; receivedMb: number; seconds: number }> = [];
  for (const bytes of [100 * mb, 100 * mb, 100 * mb, 300 * mb]) {
    const sim = await forkServer('large-simulator', 'large-simulator.js', { BENCH_LARGE_BYTES: String(bytes) });
    const gateway = await forkServer('gateway(stream)', 'gateway.js', { BENCH_UPSTREAM: sim.url });
    const pid = gateway.pid;
    try {
      // Warm the server on another user (user 6, renamed to its own name), whose GET is small.
      const warmPath = `/unified/mdm/users/6?integrated_account_id=${ACCOUNT_ID}&truto_response_format=unified`;
      for (let i = 0; i < 200; i++) {
        const res = await request(`${gateway.url}${warmPath}`, { method: 'PATCH', headers: PATCH_HEADERS, body: JSON.stringify({ name: 'Twanda9039' }) });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`stream check warm-up answered ${res.statusCode}`);
      }
      await new Promise((r) => setTimeout(r, 200));
      const baselineMb = rssMb(pid);
      const hwmReset = resetPeakRss(pid);
      let sampledPeak = baselineMb;
      const sampler = setInterval(() => { sampledPeak = Math.max(sampledPeak, rssMb(pid)); }, 5);
      const started = performance.now();
      const res = await request(`${gateway.url}/unified/mdm/users/${USER_ID}?integrated_account_id=${ACCOUNT_ID}&truto_response_format=stream&remote_query[foo]=bar`, {
        method: 'PATCH', headers: PATCH_HEADERS, body: PATCH_BODY,
      });
      let received = 0;
      for await (const chunk of res.body) received += (chunk as Buffer).length;
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      if (res.statusCode !== 200) throw new Error(`the stream answered ${res.statusCode}`);
      if (received < bytes) throw new Error(`the stream ended after ${received} of ${bytes} bytes`);
      const peakMb = Math.max(sampledPeak, hwmReset ? peakRssMb(pid) : 0);
      runs.push({ remoteMb: bytes / mb, baselineMb, peakMb, growthMb: peakMb - baselineMb, receivedMb: received / mb, seconds });
    } finally {
      await gateway.stop();
      await sim.stop();
    }
  }
  const of100 = runs.filter((r) => r.remoteMb === 100).map((r) => r.growthMb);
  return { runs, growthMbMedian: median(of100), growthMbMax: Math.max(...of100), growthMb300: runs.find((r) => r.remoteMb === 300)?.growthMb };
}

/** `node dist/src/main.js` (embedded simulator, demo account) from spawn to the first 200 of the example PATCH. */
export async function coldStart(): Promise<Record<string, unknown>> {
  const runs: Array<{ listeningMs: number; firstResponseMs: number }> = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const started = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MDM_API_TOKENS: API_TOKEN },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    let listeningMs = Number.NaN;
    let firstResponseMs = Number.NaN;
    try {
      while (performance.now() - started < 20_000) {
        try {
          const res = await request(`${url}${PATCH_PATH}`, { method: 'PATCH', headers: PATCH_HEADERS, body: PATCH_BODY, reset: true });
          if (Number.isNaN(listeningMs)) listeningMs = performance.now() - started;
          await res.body.text();
          if (res.statusCode === 200) { firstResponseMs = performance.now() - started; break; }
          throw new Error(`the first answer was ${res.statusCode}`);
        } catch (err) {
          if ((err as { code?: string }).code !== 'ECONNREFUSED') throw err;
          await new Promise((r) => setTimeout(r, 2));
        }
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    runs.push({ listeningMs, firstResponseMs });
  }
  return { runs, firstResponseMsMedian: median(runs.map((r) => r.firstResponseMs)) };
}
