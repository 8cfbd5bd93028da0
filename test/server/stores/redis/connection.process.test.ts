import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { SharedStoreUnavailableError } from '../../../../src/server/stores/errors';
import { createRedisClient, redisHealth } from '../../../../src/server/stores/redis/connection';
import { checkRedisUrl, redactRedisUrl } from '../../../../src/server/stores/redis-url';
import { RedisServer } from '../../../helpers/redis-server';
import { closeAll, readyClient, rejection } from './clients';

/** Characters that need percent-encoding in a URL, to show the password is decoded from it. */
const PASSWORD = 's3cr:et/p@ss';

describe('redactRedisUrl', () => {
  it.each([
    ['redis://:s3cret@cache.internal:6379/2', 'redis://:***@cache.internal:6379/2'],
    ['rediss://app:s3cret@cache.internal:6380', 'rediss://app:***@cache.internal:6380'],
    ['redis://cache.internal:6379', 'redis://cache.internal:6379'],
    ['redis://:s3cret@[not a host', 'redis://***@[not a host'],
  ])('hides the password of %s', (url, want) => {
    expect(redactRedisUrl(url)).toBe(want);
  });
});

describe('checkRedisUrl', () => {
  it.each(['http://:s3cret@cache.internal:6379', 'redis://:s3cret@cache.internal:6379/zero', 'cache.internal:6379', 'redis://:s3cret@'])('refuses %s, saying what a valid URL looks like, without its password', (url) => {
    expect(() => checkRedisUrl(url)).toThrow(/must look like redis:\/\/\[:password@\]host\[:port\]\[\/db\]/);
    expect(() => checkRedisUrl(url)).not.toThrow(/s3cret/);
  });

  it.each(['redis://localhost', 'redis://:pw@localhost:6379/15', 'rediss://user:pw@cache.example:6380/0'])('accepts %s', (url) => {
    expect(() => checkRedisUrl(url)).not.toThrow();
  });
});

describe('createRedisClient', () => {
  let server: RedisServer;
  const opened: Redis[] = [];

  beforeAll(async () => { server = await RedisServer.start(['--requirepass', PASSWORD]); });
  afterAll(async () => {
    await closeAll(opened);
    await server.stop();
  });

  it('signs in with the password and selects the db number of the URL', async () => {
    const db3 = await readyClient(server.url({ password: PASSWORD, db: 3 }), opened);
    const db0 = await readyClient(server.url({ password: PASSWORD }), opened);
    await db3.set('where', 'db 3');
    expect(await db3.get('where')).toBe('db 3');
    expect(await db0.get('where')).toBeNull();
    expect(String(await db3.call('CLIENT', 'INFO'))).toMatch(/ db=3 /);
  });

  it('reports a refused password without crashing and without the password; its health check fails with SharedStoreUnavailableError', async () => {
    const events: string[] = [];
    const client = createRedisClient(server.url({ password: 'wrong-s3cret' }), (event) => events.push(event.message));
    opened.push(client);
    await once(client, 'error');
    const err = await rejection(redisHealth(client).ping());
    expect(err).toBeInstanceOf(SharedStoreUnavailableError);
    expect(events.length).toBeGreaterThan(0);
    const said = [...events, String(err), String((err as Error).cause)].join('\n');
    expect(said).toContain('redis://:***@127.0.0.1:');
    expect(said).not.toContain('wrong-s3cret');
  });

  it('answers the health check when Redis answers', async () => {
    const client = await readyClient(server.url({ password: PASSWORD }), opened);
    await expect(redisHealth(client).ping()).resolves.toBeUndefined();
    expect(redisHealth(client).name).toBe('Redis');
  });
});
