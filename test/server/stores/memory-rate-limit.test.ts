import { memoryRateLimit } from '../../../src/server/stores/memory-rate-limit';
import { rateLimitSemantics } from './rate-limit-semantics';

describe('memoryRateLimit', () => {
  // One process: every "instance" is the same store.
  rateLimitSemantics(() => (rate, name, count) => {
    const store = memoryRateLimit(rate, name);
    return Array.from({ length: count }, () => store);
  });
});
