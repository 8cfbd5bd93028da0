/** Load from autocannon, with latencies kept at full resolution (autocannon's own histogram keeps whole ms). */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  connections: number;
  seconds: number;
  /** One operation: a single request, or a sequence sent in order on each connection (PUT then GET). */
  requests: autocannon.Request[];
}

export interface LoadResult {
  /** Operations (a whole request sequence) completed with 2xx answers. */
  ops: number;
  opsPerSec: number;
  /** Latency of one operation, ms: p50 and p99. */
  p50: number;
  p99: number;
  /** Answers that were not 2xx, socket errors and timeouts. */
  failures: number;
  elapsedMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at] as number;
}

/**
 * Runs autocannon for `seconds`. For a sequence of n requests the latency of an operation runs from
 * the moment the first request was sent to the end of the last answer on that connection.
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const perOp = spec.requests.length;
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let failures = 0;
  const sequence = new Map<object, { index: number; startedAt: number; ok: boolean }>();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        pipelining: 1,
        duration: spec.seconds,
        timeout: 10,
        requests: spec.requests,
      },
      (err) => {
        if (err) return reject(err);
        const elapsedMs = performance.now() - started;
        const sorted = latencies.subarray(0, count).sort();
        resolve({ ops: count, opsPerSec: (count * 1000) / elapsedMs, p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures, elapsedMs });
      },
    );
    instance.on('response', (client: object, statusCode: number, _bytes: number, responseTimeMs: number) => {
      const now = performance.now();
      let state = sequence.get(client);
      if (!state) {
        state = { index: 0, startedAt: 0, ok: true };
        sequence.set(client, state);
      }
      if (state.index === 0) {
        state.startedAt = now - responseTimeMs;
        state.ok = true;
      }
      if (statusCode < 200 || statusCode >= 300) state.ok = false;
      state.index++;
      if (state.index < perOp) return;
      state.index = 0;
      if (!state.ok) {
        failures++;
        return;
      }
      if (count === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[count++] = now - state.startedAt;
    });
    instance.on('reqError', () => { failures++; });
  });
}
