import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Express, RequestHandler } from 'express';
import { ApiError } from '../errors';
import { envelope, reasonPhrase } from './middleware/error-handler';
import { within } from './within';

/** Limits of the HTTP layer, so that no client can hold a socket or memory for long. */
export interface HttpLimits {
  /** Largest request head (request line + headers), bytes. Larger answers 431. */
  maxHeaderSize: number;
  /** Time allowed to receive the request head, ms. */
  headersTimeout: number;
  /** Time allowed to receive the whole request, ms. */
  requestTimeout: number;
  /** Idle time of a kept-alive connection, ms. */
  keepAliveTimeout: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { maxHeaderSize: 16 * 1024, headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 };

const CLIENT_ERROR_STATUS: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
};

/**
 * The HTTP server of the app, with the limits above. Requests Node refuses before Express sees them
 * (a head too large, a malformed request, a client too slow) still get the error envelope.
 */
export function createHttpServer(app: Express, limits: HttpLimits = DEFAULT_HTTP_LIMITS): Server {
  const server = createServer({
    maxHeaderSize: limits.maxHeaderSize,
    requestTimeout: limits.requestTimeout,
    headersTimeout: limits.headersTimeout,
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeout),
  }, app);
  server.keepAliveTimeout = limits.keepAliveTimeout;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (err.code === 'ECONNRESET')) {
      socket.destroy();
      return;
    }
    const status = CLIENT_ERROR_STATUS[err.code ?? ''] ?? 400;
    const message = status === 431 ? `The request head is larger than ${limits.maxHeaderSize} bytes; send a shorter query string or fewer headers.`
      : status === 408 ? 'The request was not received in time.'
      : 'The request is not valid HTTP.';
    const body = JSON.stringify(envelope(status, message));
    socket.end(`HTTP/1.1 ${status} ${reasonPhrase(status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  return server;
}

/** The 503 of a server that is shutting down, with `Retry-After` (and `Connection: close`). */
export function shuttingDown(): ApiError {
  return new ApiError(503, 'The server is shutting down; send the request again (to another instance).', undefined, { Connection: 'close', 'Retry-After': '1' });
}

/** Longest wait for the 503s written at the drain's deadline to reach their sockets before they are closed. */
const FLUSH_MS = 500;

/**
 * Tracks requests in flight, for a graceful shutdown: `drain(server)` lets requests in flight finish (up
 * to `timeoutMs`) while every new request is answered 503 (`Retry-After`, `Connection: close`) and
 * `/readyz` says so; at the deadline every request still in flight is answered with the complete 503
 * envelope when its answer has not begun, or cut when it has; then the server stops listening and every connection closes.
 */
export class GracefulShutdown {
  private readonly inFlight = new Set<ServerResponse>();
  private isDraining = false;
  private idle: Array<() => void> = [];

  /** Whether a drain has begun (readiness answers 503 from then on). */
  get draining(): boolean {
    return this.isDraining;
  }

  /** Express middleware: counts a request until its response is done; refuses new ones (503) while draining. */
  readonly track: RequestHandler = (_req, res, next) => {
    if (this.isDraining) {
      next(shuttingDown());
      return;
    }
    this.inFlight.add(res);
    res.on('close', () => {
      this.inFlight.delete(res);
      if (this.inFlight.size === 0) for (const done of this.idle.splice(0)) done();
    });
    next();
  };

  /** Drains `server` (see the class); answers how many requests were still in flight at the deadline. */
  async drain(server: Server, timeoutMs: number): Promise<{ unfinished: number }> {
    this.isDraining = true;
    server.closeIdleConnections();
    if (this.inFlight.size > 0) await within(new Promise<void>((resolve) => this.idle.push(resolve)), timeoutMs);
    const unfinished = this.inFlight.size;
    if (unfinished > 0) await this.answerAll();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    return { unfinished };
  }

  /** Answers every request still in flight with the 503 envelope (or cuts an answer already begun), and waits a little for them to be sent. */
  private async answerAll(): Promise<void> {
    const error = shuttingDown();
    const body = JSON.stringify(envelope(error.status, 'The server shut down before this request finished; it may or may not have taken effect. Send it again (to another instance).'));
    const sent: Array<Promise<unknown>> = [];
    for (const res of this.inFlight) {
      if (res.headersSent) {
        res.destroy();
        continue;
      }
      sent.push(new Promise((resolve) => res.once('close', resolve)));
      res.writeHead(error.status, { ...error.headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    }
    await within(Promise.all(sent), FLUSH_MS);
  }
}
