import type { RequestHandler } from 'express';
import { parseQuery } from './query-parser';

/** Parses the query string once, in every wire form the API accepts, into a plain writable `req.query`. */
export const parseQueryOnce: RequestHandler = (req, _res, next) => {
  const at = req.originalUrl.indexOf('?');
  const query = parseQuery(at === -1 ? '' : req.originalUrl.slice(at + 1));
  Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
  next();
};
