import express, { type RequestHandler } from 'express';
import { ApiError } from '../../errors';

/** The JSON body parser: strict JSON objects/arrays, `application/json` and `application/*+json`, at most `limit`. */
export function jsonBody(limit: number | string = '1mb'): RequestHandler {
  return express.json({ limit, strict: true, type: ['application/json', 'application/*+json'] });
}

/**
 * Route step of an operation whose JSON body is required, for requests without a Content-Type: no body
 * at all is an update without `name`, answered 400 like `{}` (not 415 for a media type never sent); a
 * body without a Content-Type is 415 naming the header to send.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const type = req.headers['content-type'];
  if (type !== undefined && type !== '') {
    next();
    return;
  }
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] === undefined && (length === undefined || Number(length) === 0)) {
    next(new ApiError(400, "The request has no body. Send a JSON object with at least 'name', e.g. {\"name\":\"jdoe2\"}, as Content-Type: application/json.",
      [{ path: '/body/name', message: "must have required property 'name'", error_code: 'required' }]));
    return;
  }
  next(new ApiError(415, 'The request body has no Content-Type. Send it as Content-Type: application/json.'));
};
