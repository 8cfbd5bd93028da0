import express, { type RequestHandler } from 'express';

/** The JSON body parser: strict JSON objects/arrays, `application/json` and `application/*+json`, at most `limit`. */
export function jsonBody(limit: number | string = '1mb'): RequestHandler {
  return express.json({ limit, strict: true, type: ['application/json', 'application/*+json'] });
}
