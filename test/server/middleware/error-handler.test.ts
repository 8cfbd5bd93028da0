import { Writable } from 'node:stream';
import express from 'express';
import { ApiError, JamfConnectionError, JamfStatusError, JamfTimeoutError } from '../../../src/errors';
import { errorHandler } from '../../../src/server/middleware/error-handler';
import { createLogger } from '../../../src/server/logger';
import { listen } from '../../helpers/listen';

const LEVELS: Record<number, string> = { 30: 'info', 40: 'warn', 50: 'error' };

describe('the error handler logs at the level an operator acts on', () => {
  it.each([
    ['a Jamf connection failure (502)', () => new JamfConnectionError('Jamf reset the connection.'), 502, 'warn'],
    ['a 503 from Jamf', () => new JamfStatusError(503, 'Jamf is unavailable.', '<html/>', {}), 503, 'warn'],
    ['a Jamf timeout (504)', () => new JamfTimeoutError('Jamf did not answer in time.'), 504, 'warn'],
    ["the server's own 503 (queue full)", () => new ApiError(503, 'Too many requests are waiting for this Jamf instance.'), 503, 'warn'],
    ['a bug of ours (500)', () => new TypeError('undefined is not a function'), 500, 'error'],
    ['a client mistake (400)', () => new ApiError(400, 'The body is not valid.'), 400, 'info'],
    ["Jamf's own 409", () => new JamfStatusError(409, 'Error: Duplicate name', '<html/>', {}), 409, 'info'],
  ])('%s', async (_name, error, status, level) => {
    const lines: Array<{ level: number; msg: string; err?: { stack?: string } }> = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
    const app = express();
    app.get('/x', () => { throw error(); });
    app.use(errorHandler(createLogger('info', sink)));
    const server = await listen(app);
    try {
      expect((await fetch(`${server.url}/x`)).status).toBe(status);
    } finally {
      await server.close();
    }
    expect(lines.map((l) => LEVELS[l.level])).toEqual([level]);
    if (level === 'error') expect(lines[0]?.err?.stack).toMatch(/TypeError/);
  });
});
