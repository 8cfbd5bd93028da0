/** The real app's layers added one at a time (BENCH_LAYERS = 0…6; see bench/lib/layers-app.ts), in its own process. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../../src/server/http-server';
import { announce, exitWithParent } from '../common';
import { layersApp } from '../lib/layers-app';

async function main(): Promise<void> {
  const layers = Number(process.env.BENCH_LAYERS ?? 6);
  const app = layersApp(layers);
  const server = layers >= 2 ? createHttpServer(app) : app.listen(0, '127.0.0.1');
  if (layers >= 2) server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  announce(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  exitWithParent(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

void main();
