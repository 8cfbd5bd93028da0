/**
 * Fuzzing from the spec: thousands of malformed Update Users requests, over HTTP, against the real
 * server (startStack: every response validated against the spec in 'fail' mode, so an invalid answer
 * would show as a 500) and, for request heads over Node's limit, against the production HTTP server
 * (createHttpServer), which refuses them before Express.
 *
 * Every answer must be a 4xx the spec allows for the case, in the error envelope; nothing may reach
 * Jamf; the built-in prototypes stay as they were; the server still answers a valid update afterwards.
 *
 * Seeded and bounded: FUZZ_SEED (default below) and FUZZ_MALFORMED_RUNS batches of BATCH requests;
 * the whole property is also cut at FUZZ_TIME_LIMIT_MS (counted as a failure, so a hang is never silent).
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createAccountRegistry } from '../../src/server/accounts/registry';
import { createApp } from '../../src/server/app';
import { createHttpServer } from '../../src/server/http-server';
import { createLogger } from '../../src/server/logger';
import { ACCOUNT_ID, API_TOKEN, startStack, type Stack } from '../helpers/stack';
import { malformedRequest, type Category, type MalformedCase } from './malformed-requests';
import { documentedStatuses, envelopeProblem, FuzzClient, mapConcurrently, pollutionSeen, prototypeFingerprint, show, type WireResponse } from './support';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const BATCH = 25;
const RUNS = Number(process.env.FUZZ_MALFORMED_RUNS ?? 204); // 204 × 25 = 5,100 requests
const CONCURRENCY = 8;
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 90_000);

/** Statuses the server answers outside the operation's own responses: a method the path lacks, a head over the limit. */
const OUTSIDE_OPERATION = new Set([405, 431]);

describe('fuzz: malformed requests', () => {
  let stack: Stack;
  let headServer: Server;
  let client: FuzzClient;
  let headClient: FuzzClient;

  beforeAll(async () => {
    stack = await startStack();
    // The production HTTP layer (16 KB head limit, envelope for Node's own refusals); startStack uses app.listen.
    const app = createApp({ tokens: [API_TOKEN], accounts: createAccountRegistry([]), logger: createLogger('silent'), responseValidation: 'fail' });
    headServer = createHttpServer(app);
    headServer.listen(0, '127.0.0.1');
    await once(headServer, 'listening');
    client = new FuzzClient(stack.url, CONCURRENCY);
    headClient = new FuzzClient(`http://127.0.0.1:${(headServer.address() as AddressInfo).port}`, 2);
  });

  afterAll(async () => {
    await client.close();
    await headClient.close();
    headServer.closeAllConnections();
    await new Promise<void>((resolve) => headServer.close(() => resolve()));
    await stack.close();
  });

  it('every expected status is one the spec documents (or Node/Express answer outside the operation)', () => {
    const documented = documentedStatuses();
    const samples = fc.sample(malformedRequest, { seed: SEED, numRuns: 500 });
    for (const k of samples) for (const s of k.expect) expect(documented.has(s) || OUTSIDE_OPERATION.has(s)).toBe(true);
  });

  it('answers ≥ 5,000 malformed requests with a 4xx in the error envelope, none reaching Jamf', async () => {
    const prototypesBefore = prototypeFingerprint();
    const jamfBefore = { ...stack.simulator.counters };
    const histogram = new Map<Category, Map<number, number>>();
    const millis = new Map<Category, number>();
    let sent = 0;
    const started = Date.now();

    const check = (k: MalformedCase, res: WireResponse): string | undefined => {
      const problem = envelopeProblem(res, new Set(k.expect));
      if (problem) return problem;
      if (!k.head && typeof res.headers['x-request-id'] !== 'string') return 'no x-request-id header';
      if (res.status === 405 && !String(res.headers.allow ?? '').includes('PATCH')) return `405 without 'Allow: PATCH' (got ${String(res.headers.allow)})`;
      if (res.status === 401 && res.headers['www-authenticate'] !== 'Bearer') return '401 without WWW-Authenticate: Bearer';
      return undefined;
    };

    await fc.assert(
      fc.asyncProperty(fc.array(malformedRequest, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const results = await mapConcurrently(batch, CONCURRENCY, async (k): Promise<{ k: MalformedCase; res?: WireResponse; err?: Error }> => {
          const t0 = performance.now();
          try {
            return { k, res: await (k.head ? headClient : client).send(k.req) };
          } catch (err) {
            return { k, err: err as Error };
          } finally {
            millis.set(k.category, (millis.get(k.category) ?? 0) + performance.now() - t0);
          }
        });
        sent += batch.length;
        for (const r of results) {
          if (r.res === undefined) throw new Error(`[${r.k.category}] ${r.k.why}: no answer (${r.err?.message})\n  ${show(r.k.req)}`);
          const perStatus = histogram.get(r.k.category) ?? new Map<number, number>();
          perStatus.set(r.res.status, (perStatus.get(r.res.status) ?? 0) + 1);
          histogram.set(r.k.category, perStatus);
          const problem = check(r.k, r.res);
          if (problem) throw new Error(`[${r.k.category}] ${r.k.why}: ${problem}\n  ${show(r.k.req)}\n  → ${r.res.status} ${r.res.text.slice(0, 400)}`);
        }
        const polluted = pollutionSeen();
        if (polluted) throw new Error(`prototype polluted: ${polluted}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: true },
    );

    const seconds = (Date.now() - started) / 1000;
    const lines = [...histogram].sort(([a], [b]) => a.localeCompare(b))
      .map(([cat, m]) => `  ${cat.padEnd(16)} ${[...m].map(([s, n]) => `${s}×${n}`).join(' ')}  (${((millis.get(cat) ?? 0) / [...m.values()].reduce((a, b) => a + b, 0)).toFixed(1)} ms each)`);
    console.log(`fuzz malformed: ${sent} requests in ${seconds.toFixed(1)} s (seed ${SEED}), no 5xx\n${lines.join('\n')}`);

    expect(sent).toBeGreaterThanOrEqual(5000);
    expect(histogram.size).toBe(14); // every category was exercised
    expect(stack.simulator.counters.requests).toBe(jamfBefore.requests); // nothing reached Jamf
    expect(stack.simulator.counters.puts).toBe(jamfBefore.puts);
    expect(prototypeFingerprint()).toBe(prototypesBefore);
    expect(pollutionSeen()).toBeUndefined();

    // The process is up and still serves a valid update.
    const ok = await client.send({
      method: 'PATCH',
      target: `/unified/mdm/users/6?integrated_account_id=${ACCOUNT_ID}`,
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Twanda9039' }),
    });
    expect(ok.status).toBe(200);
  }, TIME_LIMIT_MS + 30_000);
});
