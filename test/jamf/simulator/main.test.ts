import { simulatorConfigFromEnv } from '../../../src/jamf/simulator/main';

describe('simulator process settings from the environment', () => {
  it('defaults to loopback, any port, no delay, the default credentials', () => {
    expect(simulatorConfigFromEnv({})).toEqual({
      options: {
        host: '127.0.0.1',
        port: 0,
        credentials: {
          clients: [{ client_id: 'sim-client', client_secret: 'sim-secret' }],
          users: [{ username: 'sim-admin', password: 'sim-password' }],
        },
      },
      delayMs: 0,
    });
  });

  it('reads SIM_* variables', () => {
    const config = simulatorConfigFromEnv({
      SIM_HOST: '::1', SIM_PORT: '8443', SIM_DELAY_MS: '25', SIM_CLIENT_ID: 'c', SIM_CLIENT_SECRET: 's', SIM_TOKEN_TTL_SECONDS: '5',
    });
    expect(config).toMatchObject({ delayMs: 25, options: { host: '::1', port: 8443, tokenTtlSeconds: 5 } });
    expect(config.options.credentials?.clients).toEqual([{ client_id: 'c', client_secret: 's' }]);
  });

  it('refuses a value that is not a number, saying which variable', () => {
    expect(() => simulatorConfigFromEnv({ SIM_DELAY_MS: 'slow' })).toThrow(/SIM_DELAY_MS must be a number/);
  });
});
