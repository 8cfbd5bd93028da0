/**
 * Variant f: BENCH_INSTANCES (2) instances of the real server (gateway.ts, with whatever MDM_* it is
 * given, MDM_REDIS_URL among them) behind one port. Node's cluster module is the load balancer: the
 * primary accepts each connection and hands it to the next instance in turn (round robin), then stays
 * out of its requests. Each instance is its own process with its own memory; only Redis is shared.
 */
import cluster from 'node:cluster';
import { announce, exitWithParent, type ReadyMessage } from '../common';

async function primary(): Promise<void> {
  const count = Number(process.env.BENCH_INSTANCES ?? 2);
  const workers = Array.from({ length: count }, () => cluster.fork());
  const urls = await Promise.all(workers.map((worker) => new Promise<string>((resolve, reject) => {
    worker.once('exit', (code) => reject(new Error(`an instance exited with ${code} before listening`)));
    worker.on('message', (message: ReadyMessage) => { if (message?.ready) resolve(message.url); });
  })));
  if (new Set(urls).size !== 1) throw new Error(`the instances listen on different URLs: ${urls.join(', ')}`);
  for (const worker of workers) worker.removeAllListeners('exit');
  announce(urls[0] as string);
  exitWithParent(() => Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
    if (worker.isDead()) return resolve();
    worker.once('exit', () => resolve());
    worker.kill('SIGTERM');
  }))).then(() => undefined));
}

if (cluster.isPrimary) {
  primary().catch((err: unknown) => {
    process.stderr.write(`fleet: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
} else {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./gateway');
}
