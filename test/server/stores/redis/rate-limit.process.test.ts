import type { Redis } from 'ioredis';
import { SharedStoreUnavailableError } from '../../../../src/server/stores/errors';
import { redisRateLimit } from '../../../../src/server/stores/redis/rate-limit';
import { RedisServer } from '../../../helpers/redis-server';
import { rateLimitSemantics } from '../rate-limit-semantics';
import { closeAll, readyClient, rejection } from './clients';

describe('redisRateLimit', () => {
  let server: RedisServer;
  const opened: Redis[] = [];
  let clients: Redis[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
    clients = [await readyClient(server.url(), opened), await readyClient(server.url(), opened)];
  });
  afterAll(async () => {
    await closeAll(opened);
    await server.stop();
  });

  // Each store on its own client, as on separate instances; a fresh name per test keeps tests apart.
  let run = 0;
  rateLimitSemantics(() => (rate, name, count) => {
    run++;
    return Array.from({ length: count }, (_, i) => redisRateLimit(clients[i % clients.length]!, rate, `${name}-${run}`, 'test:'));
  });

  it('rejects with SharedStoreUnavailableError, never admits, when its client cannot reach Redis', async () => {
    const client = await readyClient(server.url(), opened);
    const store = redisRateLimit(client, { requests: 100, seconds: 30 }, 'down', 'test:');
    client.disconnect();
    expect(await rejection(store.take('k'))).toBeInstanceOf(SharedStoreUnavailableError);
  });
});
