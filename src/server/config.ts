import type { ResponseValidation } from './validation';
import { parseRate } from './stores/rate';
import type { Rate } from './stores/types';

/** The server's settings, read from the environment (see README, "Configuration"). */
export interface ServerConfig {
  port: number;
  host: string;
  /** Accepted API tokens; empty means "generate one" (allowed only on loopback). */
  tokens: string[];
  /** Path of the integrated accounts file; absent means "embedded Jamf simulator". */
  accountsFile?: string;
  responseValidation: ResponseValidation;
  bodyLimit: string;
  logLevel: string;
  /** Requests per API token; `undefined` when `off`. */
  rateLimitPerToken?: Rate;
  /** How long a shutdown waits for requests in flight, ms. */
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

/** Whether `host` only listens on this machine. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Reads the configuration from environment variables, refusing values that cannot work. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number (0-65535), not '${env.PORT}'.`);
  const host = env.HOST || '127.0.0.1';
  const tokens = (env.MDM_API_TOKENS ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (tokens.length === 0 && !isLoopback(host)) {
    throw new ConfigError(`Refusing to listen on ${host} without MDM_API_TOKENS: set the API tokens callers must send, or listen on 127.0.0.1.`);
  }
  const validation = env.MDM_RESPONSE_VALIDATION || 'log';
  if (validation !== 'fail' && validation !== 'log' && validation !== 'off') {
    throw new ConfigError(`MDM_RESPONSE_VALIDATION must be 'fail', 'log' or 'off', not '${validation}'.`);
  }
  const config: ServerConfig = {
    port,
    host,
    tokens,
    responseValidation: validation,
    bodyLimit: env.MDM_BODY_LIMIT || '1mb',
    logLevel: env.LOG_LEVEL || 'info',
    shutdownTimeoutMs: 10_000,
  };
  try {
    const rate = parseRate(env.MDM_RATE_LIMIT_PER_TOKEN || '500/10s', 'MDM_RATE_LIMIT_PER_TOKEN');
    if (rate) config.rateLimitPerToken = rate;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (env.MDM_SHUTDOWN_TIMEOUT_MS) {
    const ms = Number(env.MDM_SHUTDOWN_TIMEOUT_MS);
    if (!Number.isInteger(ms) || ms < 0) throw new ConfigError(`MDM_SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds, not '${env.MDM_SHUTDOWN_TIMEOUT_MS}'.`);
    config.shutdownTimeoutMs = ms;
  }
  if (env.MDM_ACCOUNTS_FILE) config.accountsFile = env.MDM_ACCOUNTS_FILE;
  return config;
}
