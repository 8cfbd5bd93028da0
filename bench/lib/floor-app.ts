import express, { type Express } from 'express';
import { unifiedAnswer } from '../common';

/**
 * Variant a, the floor of a validated server: bare Express 5 with the same JSON body parser as the real
 * app and a fixed unified-user answer. No auth, no validation, no logging, no upstream. ETag and
 * X-Powered-By are off as in the real app, so the floor does not pay for work the app does not do.
 */
export function floorApp(): Express {
  const answer = unifiedAnswer();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '1mb', strict: true, type: ['application/json', 'application/*+json'] }));
  app.patch('/unified/mdm/users/:id', (_req, res) => {
    res.status(200).json(answer);
  });
  return app;
}
