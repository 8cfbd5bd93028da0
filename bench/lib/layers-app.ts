/**
 * The real app's steps added a few at a time, taken from the production pipeline (src/server/app.ts,
 * `pipeline`) in its order; until the last layer the operation ends in a fixed answer instead of the handler:
 *
 * 0  bare Express, JSON body parser, fixed answer (= variant a)
 * 1  + request id and per-request logging, and the error envelope
 * 2  + shutdown tracker, docs router, bearer auth, per-token rate limit (never refusing)
 * 3  + query parsing
 * 4  + request validation (fast path, then express-openapi-validator), idempotency and account steps; responses not checked
 * 5  + response check, production mode (`log`)
 * 6  + the real handler on the stub connector (≈ variant b), instead of the fixed answer
 */
import type { RequestHandler } from 'express';
import type { DestinationStream } from 'pino';
import { createAccountRegistry } from '../../src/server/accounts/registry';
import { createApp, pipeline, ROUTE, type Step } from '../../src/server/app';
import { GracefulShutdown } from '../../src/server/http-server';
import { createLogger } from '../../src/server/logger';
import { API_TOKEN, unifiedAnswer } from '../common';
import { StubConnector, STUB_ACCOUNTS } from './stub';

export const LAYER_LABELS = [
  'bare Express + JSON parser, fixed answer',
  '+ request id, request log, error handler',
  '+ shutdown tracker, docs router, auth, rate limit',
  '+ query parsing',
  '+ request validation, idempotency, account',
  '+ response validation (log)',
  '+ real handler, stub Jamf',
];

/** The layer from which each production step is included. */
const FIRST_LAYER: Record<string, number> = {
  'JSON body': 0,
  'request id and request log': 1,
  'error envelope': 1,
  'no route': 1,
  'shutdown tracker': 2,
  'docs and the spec': 2,
  'bearer auth': 2,
  'per-token rate limit': 2,
  'query parsing': 3,
};

/** The app of `layers` layers: production steps only, in production order. */
export function layersApp(layers: number, destination?: DestinationStream): ReturnType<typeof createApp> {
  const answer = unifiedAnswer();
  const fixed: RequestHandler = (_req, res) => { res.status(200).json(answer); };
  const accounts = createAccountRegistry(STUB_ACCOUNTS, () => new StubConnector());
  const options = {
    tokens: [API_TOKEN], accounts, logger: createLogger('info', destination), shutdown: new GracefulShutdown(),
    responseValidation: layers >= 5 ? ('log' as const) : ('off' as const),
    rateLimitPerToken: { requests: 1_000_000_000, seconds: 1 },
    ...(layers >= 6 ? {} : { handler: fixed }),
  };
  const steps: Step[] = pipeline(options).flatMap((step): Step[] => {
    const first = FIRST_LAYER[step.name];
    if (first !== undefined) return first <= layers ? [step] : [];
    // The operation's step: from layer 4; below it, a fixed answer on the same route.
    return layers >= 4 ? [step] : [{ name: 'fixed answer', mount: (app) => { app.patch(ROUTE, fixed); } }];
  });
  return createApp(options, steps);
}
