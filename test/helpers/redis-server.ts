import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';

/** How long a redis-server may take to say it accepts connections. */
const START_TIMEOUT_MS = 10_000;

/** A port the system has just handed out for 127.0.0.1 (bound on port 0, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Spawns redis-server on `port` and resolves once it logs that it accepts connections. */
function spawnRedis(port: number, extraArgs: readonly string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir(), ...extraArgs,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`redis-server on port ${port} did not start in ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    const onExit = (code: number | null): void => fail(new Error(`redis-server on port ${port} exited (${code}) before it was ready:\n${log}`));
    const onLog = (chunk: Buffer): void => { log += chunk.toString(); };
    const settle = (): void => {
      clearTimeout(timer);
      child.removeListener('exit', onExit);
      child.stdout?.removeListener('data', onData);
      child.stderr?.removeListener('data', onLog);
      child.stdout?.resume();
      child.stderr?.resume();
    };
    const fail = (err: Error): void => { settle(); child.kill('SIGKILL'); reject(err); };
    const onData = (chunk: Buffer): void => {
      onLog(chunk);
      if (log.includes('Ready to accept connections')) { settle(); resolve(child); }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onLog);
    child.on('error', fail);
    child.once('exit', onExit);
  });
}

/**
 * A redis-server of the test's own on a free loopback port, without persistence. It can be stopped
 * and started again on the same port (a Redis outage) or paused (a hung Redis), and must be stopped at
 * the end of the suite.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private readonly killOnExit = (): void => { this.child?.kill('SIGKILL'); };

  private constructor(readonly port: number, private readonly extraArgs: readonly string[]) {}

  /** Starts a redis-server on a free port; `extraArgs` are added to its command line (e.g. `--requirepass`). */
  static async start(extraArgs: readonly string[] = []): Promise<RedisServer> {
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServer(await freePort(), extraArgs);
      try {
        await server.restart();
        return server;
      } catch (err) {
        if (attempt >= 3) throw err; // the port was taken between choosing and binding it: choose again
      }
    }
  }

  /** The redis-server's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** `redis://127.0.0.1:<port>` with an optional `/<db>` path and `:password@`. */
  url(options: { db?: number; password?: string } = {}): string {
    const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
    return `redis://${auth}127.0.0.1:${this.port}${options.db === undefined ? '' : `/${options.db}`}`;
  }

  /** Stops the server (SIGTERM) and waits until it has exited. A no-op when it is not running. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    process.removeListener('exit', this.killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    child.kill('SIGCONT'); // in case it is paused
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing is answered, like a hung Redis. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Lets a paused server run again (SIGCONT). */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Starts the server (again) on the same port; resolves once it accepts connections. */
  async restart(): Promise<void> {
    await this.stop();
    const child = await spawnRedis(this.port, this.extraArgs);
    this.child = child;
    process.once('exit', this.killOnExit);
  }
}
