/**
 * What the package tests write into consumer projects, beside what they copy from README.md and
 * docs/usage.md: type checks against the installed packages, and the scripts of the stream-memory test.
 */

/** Type checks against the installed client: each `@ts-expect-error` must fail to compile. */
export const CLIENT_TYPE_CHECKS = `
import { createMdmUsersClient } from 'mdm-users-client';
import type { components, paths } from 'mdm-users-client/types';

const client = createMdmUsersClient({ baseUrl: 'http://127.0.0.1:1', token: 't' });
const query = { integrated_account_id: '62f44730-dd91-461e-bd6a-aedd9e0ad79d' };
export const path: keyof paths = '/unified/mdm/users/{id}';
export type User = components['schemas']['User'];

export async function checks(): Promise<void> {
  const unified = await client.updateUser({ id: '1', query, body: { name: 'x' } });
  const id: string = unified.data.id;
  const excluded = await client.updateUser({ id: '1', query: { ...query, truto_exclude_fields: ['id', 'name'] }, body: { name: 'x' } });
  // @ts-expect-error excluded by a literal list
  void excluded.data.id;
  const normalized = await client.updateUser({ id: '1', query: { ...query, truto_response_format: 'normalized' }, body: { name: 'x' } });
  const firstName: string | null = normalized.data.first_name;
  const raw = await client.updateUser({ id: '1', query: { ...query, truto_response_format: 'raw' }, body: { name: 'x' } });
  const jamfName: string | undefined = raw.data.user.name;
  const stream = await client.updateUser({ id: '1', query: { ...query, truto_response_format: 'stream' }, body: { name: 'x' } });
  const bytes: ReadableStream<Uint8Array> = stream.data;
  // @ts-expect-error the body needs a name
  await client.updateUser({ id: '1', query, body: {} });
  // @ts-expect-error the package exports no internals
  await import('mdm-users-client/dist/src/client/transport');
  void id; void firstName; void jamfName; void bytes;
}
`;

/** Type checks against the installed server package's programmatic API. */
export const MOCK_TYPE_CHECKS = `
import { startMockServer, type JamfUser, type MockServer } from 'mdm-users-server';

export async function checks(): Promise<void> {
  const mock: MockServer = await startMockServer({ port: 0, users: [{ id: 9, name: 'nine' }] });
  const stored: JamfUser | undefined = mock.jamf.storedUser('9');
  const url: string = mock.url;
  mock.jamf.fail(503, { times: 2, retryAfter: 1 });
  // @ts-expect-error the status is a number
  mock.jamf.fail('503');
  // @ts-expect-error responseValidation is fail, log or off
  await startMockServer({ responseValidation: 'strict' });
  await mock.close();
  void stored; void url;
}
`;

/** A consumer script: two packaged mocks whose Jamf answers user 23423523 with 8 MB and 50 MB; prints where they are. */
export const LARGE_MOCK_JS = `const { startMockServer } = require('mdm-users-server');
(async () => {
  const mocks = [];
  for (const mb of [8, 50]) {
    const mock = await startMockServer();
    mock.jamf.largeBody('23423523', mb * 1024 * 1024);
    mocks.push({ url: mock.url, token: mock.token, accountId: mock.accountId, close: () => mock.close() });
  }
  process.stdout.write(JSON.stringify(mocks) + '\\n');
  process.on('SIGTERM', () => Promise.all(mocks.map((m) => m.close())).then(() => process.exit(0)));
})();
`;

/**
 * A consumer script: reads a stream answer through the client, sampling its own RSS and ArrayBuffer
 * memory at every chunk. An 8 MB answer warms up (JIT, allocator arenas, stream machinery); the 50 MB
 * one is measured. Garbage is collected before each read and every 16 chunks: V8 frees dead network
 * buffers only when its external-memory heuristics say so (tens of MB later, with plain fetch as well),
 * and what is measured here is what the client holds on to.
 */
export const READ_STREAM_JS = `const { createMdmUsersClient } = require('mdm-users-client');
async function read({ url, token, accountId }) {
  const client = createMdmUsersClient({ baseUrl: url, token, timeoutMs: 10000 });
  global.gc();
  const before = process.memoryUsage.rss();
  let peak = before, peakBuffers = 0, bytes = 0, chunks = 0;
  const { data } = await client.updateUser({ id: '23423523', query: { integrated_account_id: accountId, truto_response_format: 'stream' }, body: { name: 'jdoe2' } });
  for await (const chunk of data) {
    bytes += chunk.byteLength;
    chunks += 1;
    if (chunks % 16 === 0) global.gc();
    const memory = process.memoryUsage();
    peak = Math.max(peak, memory.rss);
    peakBuffers = Math.max(peakBuffers, memory.arrayBuffers);
  }
  return { before, peak, peakBuffers, bytes, chunks };
}
(async () => {
  const [small, large] = JSON.parse(process.argv[2]);
  const warmUp = await read(small);
  const measured = await read(large);
  process.stdout.write(JSON.stringify({ warmUp, measured }));
})().catch((err) => { console.error(err); process.exit(1); });
`;
