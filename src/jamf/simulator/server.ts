import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_CREDENTIALS, DEFAULT_OAUTH_TTL_SECONDS, DEFAULT_USER_TTL_SECONDS, TokenRegistry } from './auth';
import { ClassicApi } from './classic-api';
import { CounterBoard } from './counters';
import { SimulatorFaults } from './faults';
import { splitTarget } from './http-message';
import { sendReply, statusPageReply } from './reply';
import { seedUsers } from './seed';
import { Sleepers } from './sleepers';
import { StaleReplica } from './stale-replica';
import { UserStore } from './store';
import { tokenApi, type TokenApiParts } from './token-endpoints';
import type { JamfSimulator, ReceivedRequest, SimulatorCounters, SimulatorOptions } from './types';
import { UsersResource } from './users-resource';

/** Longer than the 60 s idle timeout of common load balancers and clients, so clients close first. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

/** The HTTP side of the simulator: routing to the token API and the Classic API, and the server's life cycle. */
export class SimulatorServer implements JamfSimulator {
  readonly users = new UserStore();
  readonly faults = new SimulatorFaults();
  readonly stickyCookie: string;
  private readonly board = new CounterBoard();
  private readonly tokens: TokenRegistry;
  private readonly classicApi: ClassicApi;
  private readonly tokenApiParts: TokenApiParts;
  private readonly sockets = new Set<Socket>();
  private readonly sleepers = new Sleepers();
  private readonly server: Server;
  /** Set once `close()` has begun: a request failing from then on is cut off rather than answered 500. */
  private closed: Promise<void> | undefined;
  private address = '';

  private constructor(options: SimulatorOptions) {
    const ttl = options.tokenTtlSeconds;
    this.tokens = new TokenRegistry(options.credentials ?? DEFAULT_CREDENTIALS, {
      oauth: ttl ?? DEFAULT_OAUTH_TTL_SECONDS,
      user: ttl ?? DEFAULT_USER_TTL_SECONDS,
    });
    const replica = new StaleReplica();
    this.faults.onReset(() => replica.clear());
    const resource = new UsersResource(this.users, this.faults, replica);
    const delay = (): Promise<void> => this.delay();
    this.classicApi = new ClassicApi({ board: this.board, faults: this.faults, tokens: this.tokens, resource, nodeId: randomBytes(12).toString('hex'), delay });
    this.stickyCookie = this.classicApi.stickyCookie;
    this.tokenApiParts = { board: this.board, tokens: this.tokens, delay };
    if (options.seed ?? true) for (const user of seedUsers()) this.users.replace(user);

    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    this.server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
    this.server.on('connection', (socket: Socket) => {
      this.board.values.connectionsOpened++;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: SimulatorOptions = {}): Promise<SimulatorServer> {
    const simulator = new SimulatorServer(options);
    await simulator.listen(options.host ?? '127.0.0.1', options.port ?? 0);
    return simulator;
  }

  get url(): string {
    return this.address;
  }

  get counters(): SimulatorCounters {
    return this.board.values;
  }

  get received(): readonly ReceivedRequest[] {
    return this.board.received;
  }

  resetCounters(): void {
    this.board.reset();
  }

  expireAllTokens(): void {
    this.tokens.expireAll();
  }

  issuedTokens(): Array<{ token: string; kind: 'oauth' | 'user'; expiresAt: number }> {
    return this.tokens.issued();
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.sleepers.wakeAll(new Error('the simulator is closing'));
      const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      const socketsClosed = [...this.sockets].map((socket) => new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.destroy();
      }));
      await Promise.all([serverClosed, ...socketsClosed]);
      // Lets the responses of destroyed connections emit 'close' (and leave inFlight) before close() resolves.
      await new Promise<void>((resolve) => setImmediate(resolve));
    })();
    return this.closed;
  }

  private listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        this.address = `http://${urlHost(address.address)}:${address.port}`;
        resolve();
      });
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.dispatch(req, res).catch(() => {
      if (res.headersSent || res.destroyed || this.closed !== undefined) res.destroy();
      else void sendReply(res, statusPageReply(500));
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = splitTarget(req.url ?? '/');
    if (path.startsWith('/JSSResource/')) return this.classicApi.handle(req, res, path, query);
    if (path.startsWith('/api/')) return tokenApi(req, res, path, this.tokenApiParts);
    req.resume();
    return sendReply(res, statusPageReply(404));
  }

  /** Waits `faults.delayMs`; `close()` cuts the wait short. */
  private delay(): Promise<void> {
    return this.sleepers.wait(this.faults.delayMs);
  }
}
