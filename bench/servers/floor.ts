/** Variant a, the floor (see bench/lib/floor-app.ts), in its own process. */
import type { AddressInfo } from 'node:net';
import { announce, exitWithParent } from '../common';
import { floorApp } from '../lib/floor-app';

const server = floorApp().listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  announce(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
exitWithParent(() => new Promise<void>((resolve) => server.close(() => resolve())));
