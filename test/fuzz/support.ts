/**
 * What the fuzz suites share: a keep-alive HTTP client with bounded concurrency, the check that an
 * answer is the spec's error envelope, and a fingerprint of the built-in prototypes (to prove that
 * no request polluted them).
 */
import { STATUS_CODES } from 'node:http';
import { Pool } from 'undici';
import { loadSpec } from '../../src/server/spec';

/** One HTTP request of a fuzz run, fully described so that a failure can be replayed by hand. */
export interface WireRequest {
  method: string;
  /** Path and query, already encoded as they go on the wire. */
  target: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A keep-alive connection pool to one origin; every call has its own deadline so nothing can hang the suite. */
export class FuzzClient {
  private readonly pool: Pool;
  constructor(origin: string, connections: number, private readonly timeoutMs = 10_000) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 10_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  async send(req: WireRequest): Promise<WireResponse> {
    const res = await this.pool.request({
      method: req.method as 'PATCH',
      path: req.target,
      headers: req.headers,
      body: req.body ?? null,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Runs `fn` over `items` with at most `concurrency` at a time; answers the results in order. */
export async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/** The statuses the spec documents for `PATCH /unified/mdm/users/{id}`. */
export function documentedStatuses(): Set<number> {
  const spec = loadSpec() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  const op = spec.paths['/unified/mdm/users/{id}']?.patch;
  if (!op) throw new Error('the spec has no PATCH /unified/mdm/users/{id}');
  return new Set(Object.keys(op.responses).map(Number));
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * Why `res` is not the spec's error envelope with one of the `allowed` statuses (`undefined` when it is):
 * `application/json`, `statusCode` equal to the HTTP status, `error` its reason phrase, a non-empty
 * `message`, and `errors`/`truto_is_remote_error`/`raw_response` only in the shapes the `Error` schema gives.
 */
export function envelopeProblem(res: WireResponse, allowed: ReadonlySet<number>): string | undefined {
  if (!allowed.has(res.status)) return `status ${res.status} is not one of ${[...allowed].join(', ')}`;
  const type = res.headers['content-type'];
  if (!isString(type) || !/^application\/json\b/.test(type)) return `content-type is ${String(type)}, not application/json`;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return 'the body is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body is not a JSON object';
  const e = body as Record<string, unknown>;
  if (e.statusCode !== res.status) return `statusCode ${String(e.statusCode)} differs from the HTTP status ${res.status}`;
  if (e.error !== STATUS_CODES[res.status]) return `error '${String(e.error)}' is not the reason phrase '${STATUS_CODES[res.status]}'`;
  if (!isString(e.message) || e.message.trim() === '') return 'message is missing or empty';
  if (e.errors !== undefined) {
    if (!Array.isArray(e.errors)) return 'errors is not an array';
    for (const item of e.errors as unknown[]) {
      const f = item as Record<string, unknown> | null;
      if (typeof f !== 'object' || f === null || !isString(f.path) || !isString(f.message)) return `errors holds ${JSON.stringify(item)}, not {path, message}`;
      if (f.error_code !== undefined && !isString(f.error_code)) return 'errors[].error_code is not a string';
    }
  }
  if (e.truto_is_remote_error !== undefined && e.truto_is_remote_error !== true) return 'truto_is_remote_error is present but not true';
  return undefined;
}

/** Own property names and descriptors of the built-in prototypes a query or JSON key could reach. */
export function prototypeFingerprint(): string {
  const protos: Array<[string, object]> = [
    ['Object', Object.prototype], ['Array', Array.prototype], ['Function', Function.prototype], ['String', String.prototype],
  ];
  return JSON.stringify(protos.map(([name, proto]) => [
    name,
    Object.getOwnPropertyNames(proto).sort().map((key) => {
      const d = Object.getOwnPropertyDescriptor(proto, key) as PropertyDescriptor;
      return [key, typeof d.value, typeof d.get, d.enumerable, d.writable, d.configurable];
    }),
  ]));
}

/** Keys a pollution attempt would add to every object; all must stay undefined. */
export const POLLUTION_MARKERS = ['polluted', 'fuzzPolluted', 'isAdmin', 'x'] as const;

export function pollutionSeen(): string | undefined {
  const probe = {} as Record<string, unknown>;
  for (const key of POLLUTION_MARKERS) if (probe[key] !== undefined) return `({}).${key} is ${JSON.stringify(probe[key])}`;
  return undefined;
}

/** A short, printable picture of a request, for failure messages. */
export function show(req: WireRequest): string {
  const body = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : req.body.toString('utf8');
  const clip = (s: string): string => (s.length > 400 ? `${s.slice(0, 300)}…(${s.length} chars)…${s.slice(-60)}` : s);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, clip(v)]));
  return `${req.method} ${clip(req.target)} ${JSON.stringify(headers)} ${clip(body)}`;
}
