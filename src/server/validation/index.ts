/**
 * Validation against the spec, the one owner of express-openapi-validator: a compiled fast path for the
 * requests it is sure of, the validator's own middleware for everything else, and one response check
 * for both. Only internals.ts reaches into the validator's internals.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { compileOperation } from './compiled-operation';
import { fastValidation, type ValidationCounts } from './fast-path';
import { lazyOpenApiValidator } from './openapi-validator';
import type { ResponseValidation } from './options';
import { responseValidation } from './response';

export type { ResponseValidation } from './options';
export { openApiValidator } from './openapi-validator';

/** The validation steps of one operation, for the composition root to place. */
export interface OperationValidation {
  /** Route step: passes requests it is sure of, sends the others on to the next route (`undefined`: off). */
  fast?: RequestHandler;
  /** The validator's middleware for every request the fast path passed on (and for every other path). */
  full: RequestHandler;
  /** Route step: checks every JSON response of the operation. */
  response: RequestHandler;
  counts: ValidationCounts;
}

/** Builds the validation of the operation at `path`/`method`. */
export function operationValidation(path: string, method: 'patch', options: { responses: ResponseValidation; logger: Logger; fastPath: boolean }): OperationValidation {
  const operation = compileOperation(path, method, options.responses !== 'off');
  const counts: ValidationCounts = { fast: 0, full: 0 };
  return {
    ...(options.fastPath ? { fast: fastValidation(operation, counts) } : {}),
    full: lazyOpenApiValidator(),
    response: responseValidation(operation, options.responses, options.logger),
    counts,
  };
}
