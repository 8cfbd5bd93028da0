import { memoryRateLimit } from '../../../src/server/stores/memory-rate-limit';
import { rateLimitSemantics } from './rate-limit-semantics';

describe('memoryRateLimit', () => {
  // One process: every "instance" is the same store.
  rateLimitSemantics(() => (rate, name, count) => {
    const store = memoryRateLimit(rate, name);
    return Array.from({ length: count }, () => store);
  });

  it('keeps limits of different names apart', async () => {
    const a = memoryRateLimit({ requests: 1, seconds: 30 }, 'token');
    const b = memoryRateLimit({ requests: 1, seconds: 30 }, 'account');
    expect((await a.take('k')).allowed).toBe(true);
    expect((await b.take('k')).allowed).toBe(true);
  });
});
