/**
 * What users of the client rely on beyond the typed calls: a timeout per call, retries of 429/503 that
 * honour Retry-After (bounded, and off when asked), errors typed by status that carry the envelope and
 * never the token. First with an injected fetch (exact control of each answer), then against the server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  BadGatewayError,
  BadRequestError,
  ConflictError,
  createMdmUsersClient,
  GatewayTimeoutError,
  InternalServerError,
  MdmUsersError,
  MdmUsersNetworkError,
  MdmUsersTimeoutError,
  NotFoundError,
  parseRetryAfterSeconds,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableContentError,
  type MdmUsersClientOptions,
} from '../../src/client';
import { readConfig } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import { DEMO_ACCOUNT_ID, startServer, type RunningServer } from '../../src/server/start';

const TOKEN = 'tok_Secret-Value-1234567890';
const BASE = 'http://127.0.0.1:9';
const query = { integrated_account_id: DEMO_ACCOUNT_ID };

function envelope(status: number, error: string, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { statusCode: status, error, message, ...extra };
}
function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
const okUser = (): Response => json(200, { id: '23423523', name: 'jdoe2' });

/** A fetch answering from a script, one answer per call, recording each request (its body read as text). */
function scripted(answers: Array<Response | (() => Response | Promise<Response>)>) {
  const calls: Array<{ method: string; url: string; headers: Headers; body: string; at: number }> = [];
  const fetch = async (input: Request | string | URL): Promise<Response> => {
    const request = input as Request;
    calls.push({ method: request.method, url: request.url, headers: request.headers, body: await request.text(), at: Date.now() });
    const next = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (!next) throw new Error('script exhausted');
    return typeof next === 'function' ? next() : next.clone();
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

function client(fetch: typeof globalThis.fetch, extra: Partial<MdmUsersClientOptions> = {}) {
  return createMdmUsersClient({ baseUrl: BASE, token: TOKEN, fetch, ...extra });
}
const update = (c: ReturnType<typeof client>, options?: Parameters<ReturnType<typeof client>['updateUser']>[1]) =>
  c.updateUser({ id: '23423523', query, body: { name: 'jdoe2' } }, options);

/** A fetch that never answers but honours its request's abort signal, as fetch does. */
const hanging = (async (input: Request | string | URL) =>
  new Promise<Response>((_, reject) => {
    const { signal } = input as Request;
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  })) as typeof globalThis.fetch;

describe('timeout', () => {
  it('rejects a call that takes longer than its timeoutMs with MdmUsersTimeoutError, and aborts the request', async () => {
    let seenSignal: AbortSignal | undefined;
    const fetch = (async (input: Request | string | URL) => { seenSignal = (input as Request).signal; return hanging(input); }) as typeof globalThis.fetch;
    const started = Date.now();
    const error = await update(client(fetch), { timeoutMs: 80 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MdmUsersTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 80, method: 'PATCH', message: expect.stringContaining('within 80 ms') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(seenSignal?.aborted).toBe(true);
  });

  it('applies the client default timeoutMs, and the per-call value over it', async () => {
    await expect(update(client(hanging, { timeoutMs: 50 }))).rejects.toMatchObject({ name: 'MdmUsersTimeoutError', timeoutMs: 50 });
    await expect(update(client(hanging, { timeoutMs: 10_000 }), { timeoutMs: 30 })).rejects.toMatchObject({ timeoutMs: 30 });
  });

  it('applies timeoutMs given in the init of the raw openapi-fetch PATCH', async () => {
    const c = client(hanging);
    await expect(c.PATCH('/unified/mdm/users/{id}', { params: { path: { id: '1' }, query }, body: { name: 'x' }, timeoutMs: 40 })).rejects.toBeInstanceOf(MdmUsersTimeoutError);
  });

  it('times out even when the injected fetch ignores the abort signal', async () => {
    const deaf = (() => new Promise<Response>(() => undefined)) as typeof globalThis.fetch;
    await expect(update(client(deaf), { timeoutMs: 40 })).rejects.toBeInstanceOf(MdmUsersTimeoutError);
  });

  it('lets a caller abort with its own signal (rejects with the signal reason, not a timeout)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller gave up')), 20);
    await expect(update(client(hanging), { signal: controller.signal, timeoutMs: 5000 })).rejects.toThrow('caller gave up');
  });

  it('with timeoutMs 0 waits as long as the answer takes', async () => {
    const slow = (async () => { await new Promise((r) => setTimeout(r, 60)); return okUser(); }) as typeof globalThis.fetch;
    await expect(update(client(slow, { timeoutMs: 0 }))).resolves.toMatchObject({ data: { id: '23423523' } });
  });
});

describe('retries of 429 and 503', () => {
  it('retries a 429 after the Retry-After seconds and answers the retried response', async () => {
    const { fetch, calls } = scripted([json(429, envelope(429, 'Too Many Requests', 'slow down'), { 'retry-after': '1' }), okUser()]);
    const { data } = await update(client(fetch));
    expect(data).toEqual({ id: '23423523', name: 'jdoe2' });
    expect(calls).toHaveLength(2);
    const waited = (calls[1]?.at ?? 0) - (calls[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(3000);
  });

  it('retries a 503 and sends the same method, URL, headers and body again', async () => {
    const { fetch, calls } = scripted([json(503, envelope(503, 'Service Unavailable', 'busy'), { 'retry-after': '0' }), okUser()]);
    await update(client(fetch));
    expect(calls).toHaveLength(2);
    expect(calls[1]?.method).toBe('PATCH');
    expect(calls[1]?.url).toBe(calls[0]?.url);
    expect(calls[1]?.body).toBe('{"name":"jdoe2"}');
    expect(calls[1]?.body).toBe(calls[0]?.body);
    expect(calls[1]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('reads Retry-After as an HTTP date too', async () => {
    const at = new Date(Date.now() + 1500).toUTCString();
    const { fetch, calls } = scripted([json(503, envelope(503, 'Service Unavailable', 'busy'), { 'retry-after': at }), okUser()]);
    await update(client(fetch));
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(400);
    expect(parseRetryAfterSeconds('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:58 GMT'))).toBe(2);
    expect(parseRetryAfterSeconds('soon')).toBeUndefined();
  });

  it('backs off exponentially when there is no Retry-After', async () => {
    const { fetch, calls } = scripted([json(503, envelope(503, 'Service Unavailable', 'busy')), json(503, envelope(503, 'Service Unavailable', 'busy')), okUser()]);
    await update(client(fetch, { retry: { baseDelayMs: 40 } }));
    expect(calls).toHaveLength(3);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(15);
    expect((calls[2]?.at ?? 0) - (calls[1]?.at ?? 0)).toBeGreaterThanOrEqual(35);
  });

  it('stops after `retries` retries and throws the last 429 as TooManyRequestsError with its Retry-After', async () => {
    const { fetch, calls } = scripted([json(429, envelope(429, 'Too Many Requests', 'slow down'), { 'retry-after': '0' })]);
    const error = await update(client(fetch, { retry: { retries: 3 } })).catch((e: unknown) => e);
    expect(calls).toHaveLength(4);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 0, envelope: { statusCode: 429, message: 'slow down' } });
  });

  it('does not wait for a Retry-After longer than maxDelayMs: the 429 is the answer at once', async () => {
    const { fetch, calls } = scripted([json(429, envelope(429, 'Too Many Requests', 'later'), { 'retry-after': '3600' }), okUser()]);
    const started = Date.now();
    await expect(update(client(fetch, { retry: { maxDelayMs: 2000 } }))).rejects.toMatchObject({ status: 429, retryAfterSeconds: 3600 });
    expect(calls).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('does not start a wait that would pass the call deadline', async () => {
    const { fetch, calls } = scripted([json(503, envelope(503, 'Service Unavailable', 'busy'), { 'retry-after': '2' }), okUser()]);
    await expect(update(client(fetch), { timeoutMs: 500 })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(calls).toHaveLength(1);
  });

  it('retries nothing with retry: false, on the client or per call', async () => {
    const a = scripted([json(429, envelope(429, 'Too Many Requests', 'no'), { 'retry-after': '0' }), okUser()]);
    await expect(update(client(a.fetch, { retry: false }))).rejects.toBeInstanceOf(TooManyRequestsError);
    expect(a.calls).toHaveLength(1);
    const b = scripted([json(503, envelope(503, 'Service Unavailable', 'no'), { 'retry-after': '0' }), okUser()]);
    await expect(update(client(b.fetch), { retry: false })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(b.calls).toHaveLength(1);
    const c = scripted([json(503, envelope(503, 'Service Unavailable', 'no'), { 'retry-after': '0' }), okUser()]);
    const raw = await client(c.fetch).PATCH('/unified/mdm/users/{id}', { params: { path: { id: '1' }, query }, body: { name: 'x' }, retry: false });
    expect(raw.response.status).toBe(503);
    expect(c.calls).toHaveLength(1);
  });

  it.each([400, 409, 500, 502, 504])('does not retry %i', async (status) => {
    const { fetch, calls } = scripted([json(status, envelope(status, 'E', 'no')), okUser()]);
    await expect(update(client(fetch))).rejects.toMatchObject({ status });
    expect(calls).toHaveLength(1);
  });

  it('retries the raw openapi-fetch PATCH too, which then answers { data }', async () => {
    const { fetch, calls } = scripted([json(429, envelope(429, 'Too Many Requests', 'x'), { 'retry-after': '0' }), okUser()]);
    const { data, error } = await client(fetch).PATCH('/unified/mdm/users/{id}', { params: { path: { id: '23423523' }, query }, body: { name: 'jdoe2' } });
    expect(error).toBeUndefined();
    expect(data).toEqual({ id: '23423523', name: 'jdoe2' });
    expect(calls).toHaveLength(2);
  });
});

describe('errors typed by status', () => {
  it.each([
    { status: 400, Class: BadRequestError },
    { status: 401, Class: UnauthorizedError },
    { status: 404, Class: NotFoundError },
    { status: 409, Class: ConflictError },
    { status: 422, Class: UnprocessableContentError },
    { status: 500, Class: InternalServerError },
    { status: 502, Class: BadGatewayError },
    { status: 504, Class: GatewayTimeoutError },
  ])('throws $Class.name for $status, carrying the envelope, the request id and the call', async ({ status, Class }) => {
    const body = envelope(status, 'Reason', `went wrong with ${status}`, { truto_is_remote_error: status === 409, raw_response: '<html>jamf</html>' });
    const { fetch } = scripted([json(status, body, { 'x-request-id': 'req-42' })]);
    const error = (await update(client(fetch, { retry: false })).catch((e: unknown) => e)) as MdmUsersError;
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(MdmUsersError);
    expect(error.name).toBe(Class.name);
    expect(error.status).toBe(status);
    expect(error.envelope).toEqual(body);
    expect(error.requestId).toBe('req-42');
    expect(error.isRemote).toBe(status === 409);
    expect(error.method).toBe('PATCH');
    expect(error.url).toBe(`${BASE}/unified/mdm/users/23423523?integrated_account_id=${DEMO_ACCOUNT_ID}`);
    expect(error.message).toContain(`went wrong with ${status}`);
  });

  it('gives the field errors of a validation 400', async () => {
    const errors = [{ path: '/body/name', message: 'must be string', error_code: 'type' }];
    const { fetch } = scripted([json(400, envelope(400, 'Bad Request', 'request/body/name must be string', { errors }))]);
    const error = (await update(client(fetch)).catch((e: unknown) => e)) as BadRequestError;
    expect(error.fieldErrors).toEqual(errors);
  });

  it('makes an envelope from the status and text when the body is not one (a proxy page)', async () => {
    const { fetch } = scripted([new Response('<html>upstream down</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } })]);
    const error = (await update(client(fetch)).catch((e: unknown) => e)) as MdmUsersError;
    expect(error).toBeInstanceOf(BadGatewayError);
    expect(error.envelope).toEqual({ statusCode: 502, error: 'Bad Gateway', message: '<html>upstream down</html>' });
  });

  it('keeps an unlisted status a plain MdmUsersError with that status', async () => {
    const { fetch } = scripted([json(418, envelope(418, "I'm a Teapot", 'short and stout'))]);
    const error = (await update(client(fetch)).catch((e: unknown) => e)) as MdmUsersError;
    expect(error.constructor).toBe(MdmUsersError);
    expect(error.status).toBe(418);
  });

  it('leaves the raw openapi-fetch PATCH non-throwing: { error } is the envelope', async () => {
    const body = envelope(404, 'Not Found', 'no such account');
    const { fetch } = scripted([json(404, body)]);
    const { data, error, response } = await client(fetch).PATCH('/unified/mdm/users/{id}', { params: { path: { id: '1' }, query }, body: { name: 'x' } });
    expect(data).toBeUndefined();
    expect(error).toEqual(body);
    expect(response.status).toBe(404);
  });

  it('turns a connection failure into MdmUsersNetworkError with the cause', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => { const { port } = s.address() as AddressInfo; s.close(() => resolve(port)); });
    });
    const c = createMdmUsersClient({ baseUrl: `http://127.0.0.1:${closed}`, token: TOKEN, retry: false });
    const error = (await update(c).catch((e: unknown) => e)) as MdmUsersNetworkError;
    expect(error).toBeInstanceOf(MdmUsersNetworkError);
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(error.url).toContain(`127.0.0.1:${closed}/unified/mdm/users/23423523`);
  });
});

describe('the token never appears in an error', () => {
  const holdsToken = (error: unknown): boolean => {
    const e = error as Error & Record<string, unknown>;
    const views = [e.message, e.stack, JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }), inspect(e.cause, { depth: 10 }), JSON.stringify(e.envelope), JSON.stringify(e.headers)];
    return views.some((v) => typeof v === 'string' && v.includes(TOKEN));
  };

  it('redacts a token that the server echoes in the envelope and the headers', async () => {
    const body = envelope(401, 'Unauthorized', `The token ${TOKEN} is not valid`, { raw_response: { auth: `Bearer ${TOKEN}`, nested: [TOKEN] } });
    const { fetch } = scripted([json(401, body, { 'www-authenticate': `Bearer realm="${TOKEN}"` })]);
    const error = (await update(client(fetch)).catch((e: unknown) => e)) as UnauthorizedError;
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.envelope.message).toBe('The token [redacted] is not valid');
    expect(error.envelope.raw_response).toEqual({ auth: 'Bearer [redacted]', nested: ['[redacted]'] });
    expect(error.headers['www-authenticate']).toBe('Bearer realm="[redacted]"');
    expect(holdsToken(error)).toBe(false);
    expect(Object.values(error).some((v) => v instanceof Request || v instanceof Response)).toBe(false);
  });

  it('redacts it from a network error whose message carries it', async () => {
    const leaky = (async () => { throw new TypeError(`connect failed for Authorization: Bearer ${TOKEN}`); }) as typeof globalThis.fetch;
    const error = await update(client(leaky)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MdmUsersNetworkError);
    expect((error as Error).message).toContain('Bearer [redacted]');
    expect(holdsToken(error)).toBe(false);
  });

  it('holds no token in a timeout error', async () => {
    const error = await update(client(hanging), { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MdmUsersTimeoutError);
    expect(holdsToken(error)).toBe(false);
  });
});

describe('the client against the running server (embedded Jamf simulator)', () => {
  let running: RunningServer;
  let token: string;
  beforeAll(async () => {
    running = await startServer(
      readConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MDM_RESPONSE_VALIDATION: 'fail', MDM_API_TOKENS: TOKEN, MDM_RATE_LIMIT_PER_TOKEN: 'off' }),
      createLogger('silent'),
    );
    token = String(running.tokens[0]);
  }, 60_000);
  afterAll(() => running.close());
  const real = (extra: Partial<MdmUsersClientOptions> = {}) => createMdmUsersClient({ baseUrl: running.url, token, ...extra });

  it('runs the reference example: unified format without id and name', async () => {
    const { data, response } = await real().updateUser({
      id: '23423523',
      query: { integrated_account_id: DEMO_ACCOUNT_ID, truto_response_format: 'unified', truto_exclude_fields: ['id', 'name'], remote_query: { foo: 'bar' } },
      body: { name: 'jdoe2' },
    });
    expect(response.status).toBe(200);
    expect(data).not.toHaveProperty('id');
    expect(data).not.toHaveProperty('name');
    expect(data).toMatchObject({ remote_data: { id: 23423523, name: 'jdoe2' } });
  });

  it('answers each response format with its own shape', async () => {
    const c = real();
    const body = { name: 'jdoe2' };
    const normalized = await c.updateUser({ id: '23423523', query: { ...query, truto_response_format: 'normalized' }, body });
    expect(normalized.data).toMatchObject({ id: '23423523', name: 'jdoe2', is_active: null });
    const raw = await c.updateUser({ id: '23423523', query: { ...query, truto_response_format: 'raw' }, body });
    expect(raw.data.user).toMatchObject({ id: 23423523, name: 'jdoe2' });
    const stream = await c.updateUser({ id: '23423523', query: { ...query, truto_response_format: 'stream' }, body });
    expect(stream.data).toBeInstanceOf(ReadableStream);
    expect(await new Response(stream.data).text()).toMatch(/<user>[\s\S]*<name>jdoe2<\/name>/);
  });

  it('throws NotFoundError for an unknown integrated account, with the server request id', async () => {
    const error = (await real().updateUser({ id: '1', query: { integrated_account_id: '00000000-0000-4000-8000-000000000000' }, body: { name: 'x' } }).catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.isRemote).toBe(false);
    expect(error.envelope).toMatchObject({ statusCode: 404, error: 'Not Found', message: expect.stringContaining('00000000-0000-4000-8000-000000000000') });
    expect(error.requestId).toMatch(/.+/);
  });

  it('throws a remote NotFoundError for a user Jamf does not have, with Jamf\'s body', async () => {
    const error = (await real().updateUser({ id: '999999', query, body: { name: 'nobody' } }).catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.isRemote).toBe(true);
    expect(error.envelope.raw_response).toBeDefined();
  });

  it('throws BadRequestError with the field errors of the validator', async () => {
    const error = (await real().updateUser({ id: '1', query, body: { name: 42 as unknown as string } }).catch((e: unknown) => e)) as BadRequestError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.fieldErrors).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/body/name' })]));
  });

  it('throws UnauthorizedError for a wrong token, and the error holds neither token', async () => {
    const wrong = 'wrong_Token-0987654321';
    const error = (await real({ token: wrong }).updateUser({ id: '1', query, body: { name: 'x' } }).catch((e: unknown) => e)) as UnauthorizedError;
    expect(error).toBeInstanceOf(UnauthorizedError);
    const dump = `${JSON.stringify(error)} ${inspect(error, { depth: 10, showHidden: true })} ${error.stack}`;
    expect(dump).not.toContain(wrong);
    expect(dump).not.toContain(TOKEN);
  });

  it('times out a call to a server whose body stalls after the headers', async () => {
    const stalling: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"1",');
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const { port } = stalling.address() as AddressInfo;
    try {
      const c = createMdmUsersClient({ baseUrl: `http://127.0.0.1:${port}`, token, timeoutMs: 150 });
      await expect(c.updateUser({ id: '1', query, body: { name: 'x' } })).rejects.toBeInstanceOf(MdmUsersTimeoutError);
    } finally {
      stalling.closeAllConnections();
      await new Promise<void>((resolve) => stalling.close(() => resolve()));
    }
  });
});

describe('the client against a rate-limited server (1 request per second per token)', () => {
  let running: RunningServer;
  beforeAll(async () => {
    running = await startServer(
      readConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MDM_RESPONSE_VALIDATION: 'fail', MDM_API_TOKENS: TOKEN, MDM_RATE_LIMIT_PER_TOKEN: '1/1s' }),
      createLogger('silent'),
    );
  }, 60_000);
  afterAll(() => running.close());

  it('gets the 429 with Retry-After as TooManyRequestsError when retries are off, then succeeds by waiting when they are on', async () => {
    const c = createMdmUsersClient({ baseUrl: running.url, token: TOKEN });
    const call = (options?: { retry: false }) => c.updateUser({ id: '23423523', query, body: { name: 'jdoe2' } }, options);
    await call();
    const refused = (await call({ retry: false }).catch((e: unknown) => e)) as TooManyRequestsError;
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.envelope).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    const started = Date.now();
    const { data } = await call();
    expect(data).toMatchObject({ id: '23423523', name: 'jdoe2' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  }, 30_000);
});
