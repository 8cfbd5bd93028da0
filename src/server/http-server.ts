import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Express, RequestHandler } from 'express';
import { ApiError } from '../errors';
import { envelope, reasonPhrase } from './middleware/error-handler';

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

/**
 * Tracks requests in flight, for a graceful shutdown: `drain(server)` stops accepting connections, lets
 * requests in flight finish (up to `timeoutMs`), answers requests that arrive meanwhile on kept-alive
 * connections with 503, then closes every connection.
 */
export class GracefulShutdown {
  private inFlight = 0;
  private draining = false;
  private idle: Array<() => void> = [];

  /** Express middleware: counts a request until its response is done; refuses new ones (503) while draining. */
  readonly track: RequestHandler = (_req, res, next) => {
    if (this.draining) {
      next(new ApiError(503, 'The server is shutting down; send the request again (to another instance).', undefined, { Connection: 'close', 'Retry-After': '1' }));
      return;
    }
    this.inFlight++;
    res.on('close', () => {
      this.inFlight--;
      if (this.inFlight === 0) for (const done of this.idle.splice(0)) done();
    });
    next();
  };

  async drain(server: Server, timeoutMs: number): Promise<{ unfinished: number }> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.idle.push(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]);
    }
    const unfinished = this.inFlight;
    server.closeAllConnections();
    await closed;
    return { unfinished };
  }
}
