import { backoffMs, isConnectionError, MAX_ATTEMPTS, retryAfterMs, RETRYABLE_STATUSES } from '../../../src/jamf/connector/retry-policy';

describe('retry policy', () => {
  it('retries 502, 503 and 504 only, 3 attempts in all', () => {
    expect([...RETRYABLE_STATUSES].sort()).toEqual([502, 503, 504]);
    for (const status of [400, 401, 403, 404, 409, 429, 500]) expect(RETRYABLE_STATUSES.has(status)).toBe(false);
    expect(MAX_ATTEMPTS).toBe(3);
  });

  describe('backoffMs', () => {
    it.each([
      [1, 100],
      [2, 200],
      [3, 400],
      [5, 1600],
      [6, 2000],
      [30, 2000],
    ])('attempt %i waits 0 to %i ms', (attempt, ceiling) => {
      expect(backoffMs(attempt, undefined, () => 0)).toBe(0);
      expect(backoffMs(attempt, undefined, () => 0.5)).toBe(ceiling / 2);
      expect(backoffMs(attempt, undefined, () => 0.999999)).toBe(ceiling);
    });

    it('spreads its waits (full jitter) within the bounds', () => {
      const waits = Array.from({ length: 500 }, () => backoffMs(2, undefined));
      expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...waits)).toBeLessThanOrEqual(200);
      expect(new Set(waits).size).toBeGreaterThan(50);
    });

    it('waits at least as long as Retry-After asks, longer only by the jitter', () => {
      expect(backoffMs(1, 3000, () => 1)).toBe(3000);
      expect(backoffMs(1, 0, () => 1)).toBe(100);
      expect(backoffMs(3, 250, () => 1)).toBe(400);
      expect(backoffMs(3, 250, () => 0)).toBe(250);
    });
  });

  describe('retryAfterMs', () => {
    const now = Date.parse('2015-10-21T07:28:00Z');

    it.each([
      ['0', 0],
      ['1', 1000],
      [' 120 ', 120_000],
      [['7', '9'], 7000],
    ] as const)('reads delay-seconds %j', (header, ms) => {
      expect(retryAfterMs(header as string | string[], now)).toBe(ms);
    });

    it.each([
      ['Wed, 21 Oct 2015 07:28:05 GMT', 5000],
      ['Wednesday, 21-Oct-15 07:28:10 GMT', 10_000],
      ['Wed Oct 21 07:28:30 2015', 30_000],
      ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
    ])('reads the HTTP date %j as ms from now', (header, ms) => {
      expect(retryAfterMs(header, now)).toBe(ms);
    });

    it.each([undefined, '', '  ', '1.5', '-1', '5s', 'soon', '2015-10-21T07:28:05Z', 'Wed, 21 Oct 2015 07:28:05'])('ignores %j', (header) => {
      expect(retryAfterMs(header, now)).toBeUndefined();
    });
  });

  it('tells connection failures (retried) from timeouts and aborts (not retried)', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']) {
      expect(isConnectionError(Object.assign(new Error('x'), { code }))).toBe(true);
    }
    for (const err of [Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), Object.assign(new Error('x'), { code: 'UND_ERR_ABORTED' }), new DOMException('aborted', 'AbortError'), null, 'ECONNRESET']) {
      expect(isConnectionError(err)).toBe(false);
    }
  });
});
