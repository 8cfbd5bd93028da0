import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { toEnvelope } from '../middleware/error-handler';
import type { CompiledOperation } from './compiled-operation';
import type { ResponseValidation } from './options';

/** What is wrong with a JSON response against the operation's responses (its status's, else its range's: `4XX`), or `undefined` when it is right. */
function responseProblem(operation: CompiledOperation, res: Response, body: unknown): string | undefined {
  const media = String(res.getHeader('content-type') ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
  const check = operation.responseChecks.get(`${res.statusCode} ${media}`) ?? operation.responseChecks.get(`${String(res.statusCode).charAt(0)}XX ${media}`);
  if (!check) return `no schema for a ${res.statusCode} ${media} response`;
  if (check(body)) return undefined;
  return (check.errors ?? []).map((e) => `response${e.instancePath ?? ''} ${e.message ?? 'is not valid'}`).join(', ');
}

/**
 * The one response check, for every request of the operation whichever path validated it: each JSON
 * response is checked against the spec before it is sent. `log` sends it anyway and logs the mismatch;
 * `fail` answers a 500 instead, as the validator's own failure would (its body says nothing of the
 * cause, which the log has); `off` adds no step.
 */
export function responseValidation(operation: CompiledOperation, mode: ResponseValidation, logger: Logger): RequestHandler {
  if (mode === 'off') return (_req, _res, next) => next();
  return (req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const problem = responseProblem(operation, res, body);
      if (problem === undefined) return json(body);
      const line = { err: { message: problem }, method: req.method, path: req.path };
      if (mode === 'log') {
        logger.warn(line, 'response does not match the spec');
        return json(body);
      }
      logger.error(line, 'response does not match the spec');
      res.status(500);
      return json(toEnvelope(new Error(problem)).envelope);
    };
    next();
  };
}
