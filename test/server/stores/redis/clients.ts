import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { closeRedisClient, createRedisClient } from '../../../../src/server/stores/redis/connection';

/** A client of the production kind on `url`, once it is ready; closed by `closeAll`. */
export async function readyClient(url: string, opened: Redis[]): Promise<Redis> {
  const client = createRedisClient(url);
  opened.push(client);
  if (client.status !== 'ready') await once(client, 'ready');
  return client;
}

/** Closes every client in `opened`. */
export async function closeAll(opened: Redis[]): Promise<void> {
  await Promise.all(opened.splice(0).map((client) => closeRedisClient(client)));
}

/** What `promise` rejected with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, got a result');
}
