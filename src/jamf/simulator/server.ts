import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_CREDENTIALS, DEFAULT_OAUTH_TTL_SECONDS, DEFAULT_USER_TTL_SECONDS, TokenRegistry } from './auth';
import { CounterBoard } from './counters';
import { SimulatorFaults, type FaultAction } from './faults';
import { hasCookie, readBody, splitTarget, wantsJson } from './http-message';
import { garble, jsonReply, sendReply, statusPageReply, type Reply } from './reply';
import { seedUsers } from './seed';
import { StaleReplica } from './stale-replica';
import { UserStore } from './store';
import { invalidateToken, keepAlive, oauthToken, userToken } from './token-endpoints';
import type { JamfSimulator, ReceivedRequest, SimulatorCounters, SimulatorOptions } from './types';
import { UsersResource } from './users-resource';

/** Jamf Cloud's sticky-session cookie. */
export const STICKY_COOKIE_NAME = 'jpro-ingress';
/** Longer than the 60 s idle timeout of common load balancers and clients, so clients close first. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const MAX_CLASSIC_BODY_BYTES = 32 * 1024 * 1024;
const MAX_API_BODY_BYTES = 64 * 1024;
const USER_BY_ID = /^\/JSSResource\/users\/id\/(\d{1,15})\/?$/;
const INVALID_TOKEN_MESSAGE = 'The request requires user authentication (INVALID_TOKEN)';

type ApiRoute = 'oauth' | 'token' | 'keep-alive' | 'invalidate';
const API_ROUTES: ReadonlyMap<string, ApiRoute> = new Map([
  ['/api/oauth/token', 'oauth'],
  ['/api/v1/auth/token', 'token'],
  ['/api/v1/auth/keep-alive', 'keep-alive'],
  ['/api/v1/auth/invalidate-token', 'invalidate'],
]);

function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

function failureReply(fault: Extract<FaultAction, { kind: 'fail' }>): Reply {
  const { retryAfter, message } = fault.options;
  return statusPageReply(fault.status, message, retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) });
}

/** The HTTP side of the simulator: routing, fault injection, counting, and the server's life cycle. */
export class SimulatorServer implements JamfSimulator {
  readonly users = new UserStore();
  readonly faults = new SimulatorFaults();
  readonly stickyCookie: string;
  private readonly board = new CounterBoard();
  private readonly replica = new StaleReplica();
  private readonly tokens: TokenRegistry;
  private readonly resource: UsersResource;
  private readonly nodeId = randomBytes(12).toString('hex');
  private readonly sockets = new Set<Socket>();
  private readonly closing = new AbortController();
  /** Requests waiting out `delayMs`: each entry ends its wait (for `close()`). */
  private readonly sleepers = new Set<() => void>();
  private readonly server: Server;
  private closed: Promise<void> | undefined;
  private address = '';

  private constructor(options: SimulatorOptions) {
    this.stickyCookie = `${STICKY_COOKIE_NAME}=${this.nodeId}`;
    const ttl = options.tokenTtlSeconds;
    this.tokens = new TokenRegistry(options.credentials ?? DEFAULT_CREDENTIALS, {
      oauth: ttl ?? DEFAULT_OAUTH_TTL_SECONDS,
      user: ttl ?? DEFAULT_USER_TTL_SECONDS,
    });
    this.resource = new UsersResource(this.users, this.faults, this.replica);
    this.faults.onReset(() => this.replica.clear());
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
      this.closing.abort();
      for (const wake of this.sleepers) wake();
      this.sleepers.clear();
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
      if (res.headersSent || res.destroyed || this.closing.signal.aborted) res.destroy();
      else void sendReply(res, statusPageReply(500));
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = splitTarget(req.url ?? '/');
    if (path.startsWith('/JSSResource/')) return this.classic(req, res, path, query);
    if (path.startsWith('/api/')) return this.api(req, res, path);
    req.resume();
    return sendReply(res, statusPageReply(404));
  }

  /** Jamf Pro API: the token endpoints. */
  private async api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const route = API_ROUTES.get(path);
    if (route !== undefined && route !== 'invalidate') this.board.values.tokenRequests++;
    await this.delay();
    const body = await readBody(req, MAX_API_BODY_BYTES);
    if (route === undefined) return sendReply(res, jsonReply(404, { httpStatus: 404, errors: [] }));
    if (req.method !== 'POST') return sendReply(res, jsonReply(405, { httpStatus: 405, errors: [] }));
    if (body === undefined) return sendReply(res, jsonReply(413, { httpStatus: 413, errors: [] }));
    switch (route) {
      case 'oauth': return sendReply(res, oauthToken(this.tokens, req.headers, body));
      case 'token': return sendReply(res, userToken(this.tokens, req.headers));
      case 'keep-alive': return sendReply(res, keepAlive(this.tokens, req.headers));
      case 'invalidate': return sendReply(res, invalidateToken(this.tokens, req.headers));
    }
  }

  /** Classic API: `/JSSResource/…`, with faults, counters and the sticky cookie. */
  private async classic(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const counters = this.board.values;
    const method = req.method ?? 'GET';
    this.board.started();
    res.once('close', () => this.board.finished());
    if (method === 'GET') counters.gets++;
    else if (method === 'PUT') counters.puts++;
    const stickyCookieSeen = hasCookie(req.headers.cookie, STICKY_COOKIE_NAME, this.nodeId);
    if (stickyCookieSeen) counters.stickyCookieSeen++;

    await this.delay();
    let body: Buffer | undefined = Buffer.alloc(0);
    if (method === 'GET' || method === 'HEAD') {
      req.resume();
    } else {
      body = await readBody(req, MAX_CLASSIC_BODY_BYTES);
      this.board.receivedBody({ method, path, query, body: body?.toString('utf8') ?? '', headers: { ...req.headers } });
    }

    const fault = this.faults.take();
    if (fault?.kind === 'hang') return; // answered never; close() destroys the connection
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    let answer = fault?.kind === 'fail' ? failureReply(fault) : this.classicAnswer(req, method, path, body, stickyCookieSeen);
    if (fault?.kind === 'garble') answer = garble(answer, wantsJson(req.headers.accept));
    if (method === 'PUT') answer.headers['Set-Cookie'] = `${this.stickyCookie}; Path=/`;
    return sendReply(res, answer);
  }

  private classicAnswer(req: IncomingMessage, method: string, path: string, body: Buffer | undefined, stickyCookieSeen: boolean): Reply {
    const auth = this.tokens.check(req.headers.authorization);
    if (auth.state !== 'valid') return statusPageReply(401, auth.state === 'invalid' ? INVALID_TOKEN_MESSAGE : undefined);
    const match = USER_BY_ID.exec(path);
    if (match === null) return statusPageReply(404);
    if (auth.token.withoutUsersPrivileges) return statusPageReply(401); // Jamf: a valid token without the privilege, answered like a bad one
    if (body === undefined) return statusPageReply(413);
    const id = Number(match[1]);
    switch (method) {
      case 'GET':
      case 'HEAD':
        return this.resource.get(id, wantsJson(req.headers.accept), stickyCookieSeen);
      case 'PUT':
        return this.resource.put(id, req.headers['content-type'], body);
      default:
        return statusPageReply(405);
    }
  }

  /**
   * Waits `delayMs`; `close()` cuts the wait short. Each wait is kept in `sleepers` rather than listening
   * on the shared `closing` signal: one listener per delayed request on that one signal passed Node's
   * limit of 10 (MaxListenersExceededWarning) whenever more than 10 requests were delayed at once.
   */
  private async delay(): Promise<void> {
    const ms = this.faults.delayMs;
    if (ms <= 0) return;
    if (this.closing.signal.aborted) throw this.closing.signal.reason;
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        clearTimeout(timer);
        reject(this.closing.signal.reason);
      };
      const timer = setTimeout(() => {
        this.sleepers.delete(wake);
        resolve();
      }, ms);
      this.sleepers.add(wake);
    });
  }
}
