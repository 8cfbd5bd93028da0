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

/** Gives every request an id and a child logger, returns the id in `x-request-id`, logs each completed request. */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    req.log = logger.child({ req_id: id });
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      req.log.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request completed',
      );
    });
    next();
  };
}
