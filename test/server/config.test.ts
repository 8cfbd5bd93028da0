import { ConfigError, isLoopback, readConfig } from '../../src/server/config';

describe('readConfig', () => {
  it('defaults to 127.0.0.1:3000, log-only response validation, 1mb bodies', () => {
    expect(readConfig({})).toEqual({ port: 3000, host: '127.0.0.1', tokens: [], responseValidation: 'log', bodyLimit: '1mb', logLevel: 'info', rateLimitPerToken: { requests: 500, seconds: 10 }, shutdownTimeoutMs: 10_000 });
  });
  it('reads tokens, the accounts file and the port', () => {
    expect(readConfig({ PORT: '8080', HOST: '0.0.0.0', MDM_API_TOKENS: ' a , b,,', MDM_ACCOUNTS_FILE: '/etc/accounts.json' })).toMatchObject({
      port: 8080, host: '0.0.0.0', tokens: ['a', 'b'], accountsFile: '/etc/accounts.json' });
  });
  it('refuses a non-loopback HOST without MDM_API_TOKENS', () => {
    expect(() => readConfig({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => readConfig({ HOST: '0.0.0.0' })).toThrow(/Refusing to listen on 0.0.0.0 without MDM_API_TOKENS/);
  });
  it.each([['PORT', 'abc'], ['PORT', '70000'], ['MDM_RESPONSE_VALIDATION', 'sometimes']])('refuses %s=%s', (key, value) => {
    expect(() => readConfig({ [key]: value })).toThrow(ConfigError);
  });
  it.each([['127.0.0.1', true], ['127.1.2.3', true], ['localhost', true], ['::1', true], ['0.0.0.0', false], ['10.0.0.1', false], ['example.com', false]])(
    'tells whether %s is loopback', (host, want) => expect(isLoopback(host)).toBe(want));
});

describe('rate limit settings', () => {
  it('reads MDM_RATE_LIMIT_PER_TOKEN and turns it off with off', () => {
    expect(readConfig({ MDM_RATE_LIMIT_PER_TOKEN: '50/1s' }).rateLimitPerToken).toEqual({ requests: 50, seconds: 1 });
    expect(readConfig({ MDM_RATE_LIMIT_PER_TOKEN: 'off' })).not.toHaveProperty('rateLimitPerToken');
  });
  it.each(['500', '500/10', 'x/10s', '0/10s'])('refuses MDM_RATE_LIMIT_PER_TOKEN=%s, saying what is valid', (value) => {
    expect(() => readConfig({ MDM_RATE_LIMIT_PER_TOKEN: value })).toThrow(/must look like '500\/10s'/);
  });
});
