import { ConfigError, isLoopback, parseSize, readConfig } from '../../src/server/config';

const LONG = 'x'.repeat(32);
const errorOf = (env: NodeJS.ProcessEnv): string => {
  try {
    readConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('readConfig accepted the environment');
};

describe('readConfig', () => {
  it('defaults to 127.0.0.1:3000 on the simulator, log-only response validation, 1 MiB bodies, metrics on', () => {
    expect(readConfig({})).toEqual({ port: 3000, host: '127.0.0.1', tokens: [], responseValidation: 'log', bodyLimit: 1024 * 1024, logLevel: 'info', rateLimitPerToken: { requests: 500, seconds: 10 }, shutdownTimeoutMs: 10_000, metrics: true });
  });
  it('reads tokens, the accounts file, the port, the level, the body limit and MDM_METRICS', () => {
    expect(readConfig({ PORT: '8080', HOST: '0.0.0.0', MDM_API_TOKENS: ` ${LONG} , ${LONG}b,,`, MDM_ACCOUNTS_FILE: '/etc/accounts.json', LOG_LEVEL: 'debug', MDM_BODY_LIMIT: '512kb', MDM_METRICS: 'off' })).toMatchObject({
      port: 8080, host: '0.0.0.0', tokens: [LONG, `${LONG}b`], accountsFile: '/etc/accounts.json', logLevel: 'debug', bodyLimit: 512 * 1024, metrics: false });
  });
  it('refuses a non-loopback HOST without MDM_ACCOUNTS_FILE, naming it and the explicit opt-in', () => {
    expect(errorOf({ HOST: '0.0.0.0', MDM_API_TOKENS: LONG })).toBe('Refusing to start on HOST=0.0.0.0 without MDM_ACCOUNTS_FILE: set MDM_ACCOUNTS_FILE to your integrated accounts file, or set MDM_JAMF_SIMULATOR=on to serve the embedded Jamf simulator on purpose.');
  });
  it('serves the simulator on a non-loopback HOST when MDM_JAMF_SIMULATOR=on', () => {
    expect(readConfig({ HOST: '0.0.0.0', MDM_API_TOKENS: LONG, MDM_JAMF_SIMULATOR: 'on' })).not.toHaveProperty('accountsFile');
  });
  it('refuses the simulator and an accounts file together, and MDM_JAMF_SIMULATOR=off without a file', () => {
    expect(errorOf({ MDM_JAMF_SIMULATOR: 'on', MDM_ACCOUNTS_FILE: '/a.json' })).toMatch(/^MDM_JAMF_SIMULATOR=on and MDM_ACCOUNTS_FILE are both set: unset/);
    expect(errorOf({ MDM_JAMF_SIMULATOR: 'off' })).toMatch(/^MDM_JAMF_SIMULATOR=off needs MDM_ACCOUNTS_FILE/);
  });
  it('refuses a non-loopback HOST without MDM_API_TOKENS', () => {
    expect(errorOf({ HOST: '0.0.0.0', MDM_ACCOUNTS_FILE: '/a.json' })).toMatch(/^Refusing to listen on 0.0.0.0 without MDM_API_TOKENS/);
  });
  it('refuses a token shorter than 32 characters on a non-loopback HOST, without printing it', () => {
    const message = errorOf({ HOST: '0.0.0.0', MDM_ACCOUNTS_FILE: '/a.json', MDM_API_TOKENS: `${LONG},short-token-123` });
    expect(message).toBe('MDM_API_TOKENS: token 2 of 2 is shorter than 32 characters, too short for HOST=0.0.0.0; use long random tokens (e.g. openssl rand -base64 32).');
    expect(readConfig({ MDM_API_TOKENS: 'short' }).tokens).toEqual(['short']);
  });
  it.each([
    ['PORT', 'abc', /^PORT must be a port number/],
    ['PORT', '70000', /^PORT must be a port number/],
    ['MDM_RESPONSE_VALIDATION', 'sometimes', /^MDM_RESPONSE_VALIDATION must be 'fail', 'log' or 'off'/],
    ['LOG_LEVEL', 'verbose', /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not 'verbose'\.$/],
    ['MDM_BODY_LIMIT', 'lots', /^MDM_BODY_LIMIT must be a size such as 1mb, 512kb or 1048576 \(bytes\), not 'lots'\.$/],
    ['MDM_SHUTDOWN_TIMEOUT_MS', '2s', /^MDM_SHUTDOWN_TIMEOUT_MS must be a whole number/],
    ['MDM_METRICS', 'yes', /^MDM_METRICS must be 'on' or 'off', not 'yes'\.$/],
    ['MDM_JAMF_SIMULATOR', 'true', /^MDM_JAMF_SIMULATOR must be 'on' or 'off'/],
  ])('refuses %s=%s with one line naming it', (key, value, message) => {
    const text = errorOf({ [key]: value });
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
  it.each([['127.0.0.1', true], ['127.1.2.3', true], ['localhost', true], ['::1', true], ['0.0.0.0', false], ['10.0.0.1', false], ['example.com', false]])(
    'tells whether %s is loopback', (host, want) => expect(isLoopback(host)).toBe(want));
});

describe('parseSize', () => {
  it.each([['1mb', 1048576], ['512kb', 524288], ['100', 100], ['1.5KB', 1536], ['2 MB', 2097152]])('reads %s as %d bytes', (value, bytes) => {
    expect(parseSize(value, 'X')).toBe(bytes);
  });
  it.each(['lots', '0', '-1mb', '1tb', ''])('refuses %j', (value) => expect(() => parseSize(value, 'X')).toThrow(ConfigError));
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

describe('MDM_REDIS_URL', () => {
  it('is read as given (password and db number in it), and absent when unset or empty', () => {
    expect(readConfig({ MDM_REDIS_URL: 'rediss://app:s3cret@cache.internal:6380/2' })).toMatchObject({ redisUrl: 'rediss://app:s3cret@cache.internal:6380/2' });
    expect(readConfig({})).not.toHaveProperty('redisUrl');
    expect(readConfig({ MDM_REDIS_URL: '' })).not.toHaveProperty('redisUrl');
  });
  it.each(['http://:s3cret@cache.internal:6379', 'redis://:s3cret@cache.internal/zero', 'cache.internal:6379'])('refuses %s in one line naming it, without the password', (url) => {
    const message = errorOf({ MDM_REDIS_URL: url });
    expect(message).toMatch(/^MDM_REDIS_URL must look like redis:\/\/\[:password@\]host\[:port\]\[\/db\] \(or rediss:\/\/ for TLS\), not '/);
    expect(message).not.toMatch(/s3cret|\n/);
  });
});
