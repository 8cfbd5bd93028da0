/**
 * The client's transport: every attempt of a retried call carries the same Idempotency-Key (the
 * caller's, else a generated UUID), connections reset before an answer are retried, and a `stream`
 * answer is handed over at its headers and read at the reader's pace, outside the call's timeout.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMdmUsersClient, MdmUsersNetworkError, type MdmUsersClientOptions } from '../../src/client';

const query = { integrated_account_id: '62f44730-dd91-461e-bd6a-aedd9e0ad79d' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const fast = { retries: 3, baseDelayMs: 1 };

type Answer = Response | Error;
const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...(status >= 400 ? { 'retry-after': '0' } : {}) } });
const busy = (status: 429 | 503): Response => json(status, { statusCode: status, error: 'Busy', message: 'try again' });
const ok = (): Response => json(200, { id: '23423523', name: 'jdoe2' });
/** What undici's fetch throws when the connection is reset or refused. */
const fetchFailed = (code: string): Error => new TypeError('fetch failed', { cause: Object.assign(new Error(`read ${code}`), { code }) });

/** A fetch answering from a script, recording the headers of each attempt. */
function recording(answers: Answer[]) {
  const headers: Headers[] = [];
  const fetch = (async (input: Request | string | URL) => {
    headers.push(new Headers((input as Request).headers));
    const next = answers[Math.min(headers.length - 1, answers.length - 1)];
    if (next instanceof Error) throw next;
    return next!.clone();
  }) as typeof globalThis.fetch;
  return { fetch, keys: () => headers.map((h) => h.get('idempotency-key')), headers };
}

const client = (fetch: typeof globalThis.fetch, extra: Partial<MdmUsersClientOptions> = {}) =>
  createMdmUsersClient({ baseUrl: 'http://127.0.0.1:9', token: 'tok', fetch, retry: fast, ...extra });

describe('one Idempotency-Key per call, on every attempt', () => {
  it('generates a UUID and sends it on the first attempt and on each retry of 429 and 503', async () => {
    const script = recording([busy(429), busy(503), ok()]);
    await client(script.fetch).updateUser({ id: '23423523', query, body: { name: 'jdoe2' } });
    const keys = script.keys();
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(UUID);
    expect(new Set(keys)).toEqual(new Set([keys[0]]));
  });

  it('gives each call its own key', async () => {
    const script = recording([ok()]);
    const c = client(script.fetch);
    await c.updateUser({ id: '1', query, body: { name: 'a' } });
    await c.updateUser({ id: '1', query, body: { name: 'a' } });
    const [first, second] = script.keys();
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });

  it('sends the caller\'s key unchanged on every attempt, from updateUser and from the raw PATCH', async () => {
    const a = recording([busy(503), ok()]);
    await client(a.fetch).updateUser({ id: '1', query, body: { name: 'a' }, idempotencyKey: 'my-key-1' });
    expect(a.keys()).toEqual(['my-key-1', 'my-key-1']);
    const b = recording([busy(429), ok()]);
    await client(b.fetch).PATCH('/unified/mdm/users/{id}', { params: { path: { id: '1' }, query, header: { 'Idempotency-Key': 'my-key-2' } }, body: { name: 'a' } });
    expect(b.keys()).toEqual(['my-key-2', 'my-key-2']);
  });

  it('retries a connection reset before an answer with the same key, and the raw PATCH too', async () => {
    const a = recording([fetchFailed('ECONNRESET'), fetchFailed('UND_ERR_SOCKET'), ok()]);
    const { data } = await client(a.fetch).updateUser({ id: '23423523', query, body: { name: 'jdoe2' } });
    expect(data).toEqual({ id: '23423523', name: 'jdoe2' });
    expect(a.keys()).toHaveLength(3);
    expect(new Set(a.keys()).size).toBe(1);
    const b = recording([fetchFailed('EPIPE'), ok()]);
    const raw = await client(b.fetch).PATCH('/unified/mdm/users/{id}', { params: { path: { id: '1' }, query }, body: { name: 'a' } });
    expect(raw.response.status).toBe(200);
    expect(b.keys()[0]).toMatch(UUID);
    expect(b.keys()[1]).toBe(b.keys()[0]);
  });

  it('does not retry a refused connection, and throws the last reset when retries run out', async () => {
    const refused = recording([fetchFailed('ECONNREFUSED'), ok()]);
    await expect(client(refused.fetch).updateUser({ id: '1', query, body: { name: 'a' } })).rejects.toMatchObject({ name: 'MdmUsersNetworkError', cause: { code: 'ECONNREFUSED' } });
    expect(refused.headers).toHaveLength(1);
    const resets = recording([fetchFailed('ECONNRESET')]);
    const error = await client(resets.fetch, { retry: { retries: 2, baseDelayMs: 1 } }).updateUser({ id: '1', query, body: { name: 'a' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MdmUsersNetworkError);
    expect(error).toMatchObject({ cause: { code: 'ECONNRESET' } });
    expect(resets.headers).toHaveLength(3);
  });

  it('adds no key when retries are off (the caller\'s own key is still sent)', async () => {
    const off = recording([busy(503)]);
    await expect(client(off.fetch, { retry: false }).updateUser({ id: '1', query, body: { name: 'a' } })).rejects.toMatchObject({ status: 503 });
    expect(off.keys()).toEqual([null]);
    const own = recording([ok()]);
    await client(own.fetch).updateUser({ id: '1', query, body: { name: 'a' }, idempotencyKey: 'mine' }, { retry: false });
    expect(own.keys()).toEqual(['mine']);
  });

  it('retries a real connection the server closes before answering, with the same key (global fetch)', async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer((req: IncomingMessage, res) => {
      seen.push(req.headers['idempotency-key'] as string | undefined);
      if (seen.length === 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: '7', name: 'x' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const c = createMdmUsersClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'tok', retry: fast });
      const { data } = await c.updateUser({ id: '7', query, body: { name: 'x' } });
      expect(data).toEqual({ id: '7', name: 'x' });
      expect(seen).toHaveLength(2);
      expect(seen[0]).toMatch(UUID);
      expect(seen[1]).toBe(seen[0]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('the documented retry defaults and limits', () => {
  const defaults = (fetch: typeof globalThis.fetch) => createMdmUsersClient({ baseUrl: 'http://127.0.0.1:9', token: 'tok', fetch });
  const after = (seconds: string): Response => new Response(JSON.stringify({ statusCode: 503, error: 'Busy', message: 'later' }), { status: 503, headers: { 'content-type': 'application/json', 'retry-after': seconds } });

  it('retries twice by default: three attempts, then the last 503 is thrown', async () => {
    const script = recording([after('0')]);
    await expect(defaults(script.fetch).updateUser({ id: '1', query, body: { name: 'a' } })).rejects.toMatchObject({ status: 503 });
    expect(script.headers).toHaveLength(3);
  });

  it('does not wait for a Retry-After beyond the default maxDelayMs of 10 s: that answer is thrown', async () => {
    const script = recording([after('11'), ok()]);
    await expect(defaults(script.fetch).updateUser({ id: '1', query, body: { name: 'a' } })).rejects.toMatchObject({ status: 503, retryAfterSeconds: 11 });
    expect(script.headers).toHaveLength(1);
  });

  it('does not retry a failure while reading the body', async () => {
    let sent = 0;
    const broken = (async () => {
      sent += 1;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"id":"1",'));
          controller.error(Object.assign(new TypeError('terminated'), { cause: { code: 'ECONNRESET' } }));
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof globalThis.fetch;
    await expect(client(broken).updateUser({ id: '1', query, body: { name: 'a' } })).rejects.toThrow('terminated');
    expect(sent).toBe(1);
  });
});

describe('the caller\'s abort during a retry\'s wait', () => {
  afterEach(() => jest.useRealTimers());

  it('ends the wait at once with the caller\'s reason, and leaves no timer of the wait behind', async () => {
    jest.useFakeTimers();
    const controller = new AbortController();
    const noRetryAfter = new Response(JSON.stringify({ statusCode: 503, error: 'Busy', message: 'later' }), { status: 503, headers: { 'content-type': 'application/json' } });
    const script = recording([noRetryAfter]);
    const patient = client(script.fetch, { timeoutMs: 0, retry: { retries: 1, baseDelayMs: 60_000, maxDelayMs: 120_000 } });
    const call = patient.updateUser({ id: '1', query, body: { name: 'a' } }, { signal: controller.signal });
    call.catch(() => undefined);
    await jest.advanceTimersByTimeAsync(10);
    expect(jest.getTimerCount()).toBe(1); // the wait of 30-60 s before the retry
    controller.abort(new Error('caller gave up'));
    await expect(call).rejects.toThrow('caller gave up');
    expect(script.headers).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0); // a timer left would keep the caller's process alive until it fired
  });
});

/** A body the test feeds by hand: nothing arrives until `push`. */
function handFed() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start(c) { controller = c; } });
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8' } }),
    push: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
  };
}

describe('stream answers', () => {
  const streamQuery = { ...query, truto_response_format: 'stream' as const };

  it('resolves at the headers with the body unread, then hands over each chunk as it arrives', async () => {
    const fed = handFed();
    const c = client((async () => fed.response) as typeof globalThis.fetch);
    const { data, response } = await c.updateUser({ id: '1', query: streamQuery, body: { name: 'a' } });
    expect(response.headers.get('content-type')).toBe('text/xml;charset=UTF-8');
    const reader = data.getReader();
    fed.push('<user>');
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('<user>');
    fed.push('<name>a</name></user>');
    fed.end();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('<name>a</name></user>');
    expect((await reader.read()).done).toBe(true);
  });

  it('is not cut by the call\'s timeout once the headers have come', async () => {
    const fed = handFed();
    const c = client((async () => fed.response) as typeof globalThis.fetch, { timeoutMs: 20 });
    const { data } = await c.updateUser({ id: '1', query: streamQuery, body: { name: 'a' } });
    await new Promise((resolve) => setTimeout(resolve, 120)); // well past the 20 ms timeout
    fed.push('<user/>');
    fed.end();
    expect(await new Response(data).text()).toBe('<user/>');
  });

  it('ends with the caller\'s signal, whose reason the read rejects with', async () => {
    const fed = handFed();
    const controller = new AbortController();
    const c = client((async () => fed.response) as typeof globalThis.fetch);
    const { data } = await c.updateUser({ id: '1', query: streamQuery, body: { name: 'a' } }, { signal: controller.signal });
    const reader = data.getReader();
    fed.push('<user>');
    await reader.read();
    controller.abort(new Error('reader gave up'));
    await expect(reader.read()).rejects.toThrow('reader gave up');
  });
});
