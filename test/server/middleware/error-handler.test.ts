import { Writable } from 'node:stream';
import express from 'express';
import { JamfStatusError } from '../../../src/errors';
import { createLogger } from '../../../src/server/logger';
import { SharedStoreUnavailableError } from '../../../src/server/stores/errors';
import { errorHandler, toEnvelope } from '../../../src/server/middleware/error-handler';
import { listen } from '../../helpers/listen';

describe('the error envelope of a Jamf error status', () => {
  const jamfHeaders = { 'x-jamf-trace': 'abc123', 'cache-control': 'no-store', 'x-request-id': 'jamf-own-id', date: 'Tue, 01 Dec 2026 07:00:00 GMT' };
  const error = () => new JamfStatusError(409, 'Error: Duplicate name', '<html>…</html>', jamfHeaders);

  it('carries Jamf\'s headers apart from its own', () => {
    expect(toEnvelope(error())).toMatchObject({ envelope: { statusCode: 409, truto_is_remote_error: true }, remoteHeaders: jamfHeaders });
  });

  it('forwards Jamf\'s headers, except Date and any this server already set, whose own value wins', async () => {
    const app = express();
    app.use((_req, res, next) => { res.setHeader('x-request-id', 'ours'); next(); });
    app.use((_req, _res, next) => next(error()));
    app.use(errorHandler(createLogger('silent')));
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/x`);
      expect(res.status).toBe(409);
      expect(res.headers.get('x-jamf-trace')).toBe('abc123');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-request-id')).toBe('ours');
      expect(res.headers.get('date')).not.toBe(jamfHeaders.date);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ statusCode: 409, message: 'Error: Duplicate name', truto_is_remote_error: true });
    } finally {
      await server.close();
    }
  });
});

describe('the log line of a 503 of the server\'s own', () => {
  it('carries the message of its cause (a Redis refusal other than a lost connection), which the answer never does', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done(); } });
    const refusal = "NOPERM User mdm has no permissions to run the 'evalsha' command";
    const app = express();
    app.use((_req, _res, next) => next(new SharedStoreUnavailableError('Redis', new Error(refusal))));
    app.use(errorHandler(createLogger('info', sink)));
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/x`);
      expect(res.status).toBe(503);
      expect(await res.text()).not.toContain('NOPERM');
    } finally {
      await server.close();
    }
    expect(lines.find((l) => l.msg === 'request not served')).toMatchObject({ level: 40, status: 503, cause: refusal });
  });
});
