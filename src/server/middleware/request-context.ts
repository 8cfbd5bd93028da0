import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** The request id (taken from a sane incoming `x-request-id`, else new), returned in `x-request-id`. */
    id: string;
    /** The logger of this request, carrying its id. */
    log: Logger;
  }
}

/**
 * Gives every request an id and a child logger, returns the id in `x-request-id`, logs each completed request.
 *
 * Per-request cost (docs/performance.md): the child logger is made only when something asks for `req.log`
 * (an error, a stream cut short), and the completion line is written by a child of `logger` without
 * redaction, with `req_id` among its fields: the same JSON line as `req.log.info(...)` writes. Redaction
 * cost more than the rest of the line, and cannot change it: its fields (req_id, method, path without the
 * query, status, ms) are primitives under names no redacted path matches.
 */
export function requestContext(logger: Logger): RequestHandler {
  const completions = logger.child({}, { redact: [] });
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    let log: Logger | undefined;
    Object.defineProperty(req, 'log', { configurable: true, enumerable: true, get: () => (log ??= logger.child({ req_id: id })) });
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      completions.info({ req_id: id, method: req.method, path: req.path, status: res.statusCode, ms }, 'request completed');
    });
    next();
  };
}
