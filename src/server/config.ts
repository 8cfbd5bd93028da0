import type { ResponseValidation } from './validation';
import { parseRate } from './stores/rate';
import { checkRedisUrl } from './stores/redis-url';
import type { Rate } from './stores/types';

/** The server's settings, read from the environment (see README, "Configuration" and "Operating"). */
export interface ServerConfig {
  port: number;
  host: string;
  /** Accepted API tokens; empty means "generate one" (allowed only on loopback). */
  tokens: string[];
  /** Path of the integrated accounts file; absent means "embedded Jamf simulator" (on loopback, or opted in with `MDM_JAMF_SIMULATOR=on`). */
  accountsFile?: string;
  responseValidation: ResponseValidation;
  /** Largest request body, bytes. */
  bodyLimit: number;
  logLevel: LogLevel;
  /** Requests per API token; `undefined` when `off`. */
  rateLimitPerToken?: Rate;
  /** How long a shutdown waits for requests in flight, ms. */
  shutdownTimeoutMs: number;
  /** Whether `GET /metrics` is served (`MDM_METRICS`, on by default). */
  metrics: boolean;
  /** `MDM_REDIS_URL`: the Redis whose state every instance on it shares; absent: state in this process. */
  redisUrl?: string;
}

/** A setting that cannot work; the message names the variable and how to fix it (one line). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Shortest API token accepted on a non-loopback host. */
const MIN_TOKEN_LENGTH = 32;

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

/** Whether `host` only listens on this machine. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

type Env = NodeJS.ProcessEnv;
const given = (env: Env, name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);

function onOff(env: Env, name: string): 'on' | 'off' | undefined {
  const value = given(env, name);
  if (value === undefined || value === 'on' || value === 'off') return value;
  throw new ConfigError(`${name} must be 'on' or 'off', not '${value}'.`);
}

const UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Reads a size such as `1mb`, `512kb` or `1048576` (bytes) into bytes. */
export function parseSize(value: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  const bytes = match ? Math.floor(Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1)) : NaN;
  if (!(bytes >= 1)) throw new ConfigError(`${name} must be a size such as 1mb, 512kb or 1048576 (bytes), not '${value}'.`);
  return bytes;
}

function logLevel(env: Env): LogLevel {
  const level = given(env, 'LOG_LEVEL') ?? 'info';
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not '${level}'.`);
}

function port(env: Env): number {
  const value = given(env, 'PORT');
  const number = value === undefined ? 3000 : Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) throw new ConfigError(`PORT must be a port number (0-65535; 0 picks a free one), not '${value}'.`);
  return number;
}

/** The backend rule: the embedded simulator only on loopback or when asked for; never both it and an accounts file. */
function accountsFile(env: Env, host: string): string | undefined {
  const file = given(env, 'MDM_ACCOUNTS_FILE');
  const simulator = onOff(env, 'MDM_JAMF_SIMULATOR');
  if (file !== undefined && simulator === 'on') {
    throw new ConfigError('MDM_JAMF_SIMULATOR=on and MDM_ACCOUNTS_FILE are both set: unset MDM_JAMF_SIMULATOR to serve the accounts file, or MDM_ACCOUNTS_FILE to serve the simulator.');
  }
  if (file === undefined && simulator === 'off') {
    throw new ConfigError('MDM_JAMF_SIMULATOR=off needs MDM_ACCOUNTS_FILE: set it to the path of your integrated accounts file.');
  }
  if (file === undefined && simulator !== 'on' && !isLoopback(host)) {
    throw new ConfigError(`Refusing to start on HOST=${host} without MDM_ACCOUNTS_FILE: set MDM_ACCOUNTS_FILE to your integrated accounts file, or set MDM_JAMF_SIMULATOR=on to serve the embedded Jamf simulator on purpose.`);
  }
  return file;
}

function tokens(env: Env, host: string): string[] {
  const list = (env.MDM_API_TOKENS ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (isLoopback(host)) return list;
  if (list.length === 0) {
    throw new ConfigError(`Refusing to listen on ${host} without MDM_API_TOKENS: set the API tokens callers must send (comma-separated, each at least ${MIN_TOKEN_LENGTH} characters), or listen on 127.0.0.1.`);
  }
  const short = list.findIndex((t) => t.length < MIN_TOKEN_LENGTH);
  if (short !== -1) {
    throw new ConfigError(`MDM_API_TOKENS: token ${short + 1} of ${list.length} is shorter than ${MIN_TOKEN_LENGTH} characters, too short for HOST=${host}; use long random tokens (e.g. openssl rand -base64 32).`);
  }
  return list;
}

function responseValidation(env: Env): ResponseValidation {
  const value = given(env, 'MDM_RESPONSE_VALIDATION') ?? 'log';
  if (value === 'fail' || value === 'log' || value === 'off') return value;
  throw new ConfigError(`MDM_RESPONSE_VALIDATION must be 'fail', 'log' or 'off', not '${value}'.`);
}

function shutdownTimeout(env: Env): number {
  const value = given(env, 'MDM_SHUTDOWN_TIMEOUT_MS');
  if (value === undefined) return 10_000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new ConfigError(`MDM_SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds (e.g. 10000), not '${value}'.`);
  return ms;
}

/** Runs a check of a shared module, whose Error already names the variable, and refuses as a ConfigError. */
function asConfigError<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function rateLimit(env: Env): Rate | undefined {
  return asConfigError(() => parseRate(given(env, 'MDM_RATE_LIMIT_PER_TOKEN') ?? '500/10s', 'MDM_RATE_LIMIT_PER_TOKEN'));
}

function redisUrl(env: Env): string | undefined {
  const url = given(env, 'MDM_REDIS_URL');
  if (url !== undefined) asConfigError(() => checkRedisUrl(url, 'MDM_REDIS_URL'));
  return url;
}

/**
 * Reads the configuration from environment variables.
 * @throws ConfigError for the first value that cannot work, naming its variable and how to fix it.
 */
export function readConfig(env: Env = process.env): ServerConfig {
  const host = given(env, 'HOST') ?? '127.0.0.1';
  const file = accountsFile(env, host);
  const config: ServerConfig = {
    port: port(env),
    host,
    tokens: tokens(env, host),
    responseValidation: responseValidation(env),
    bodyLimit: parseSize(given(env, 'MDM_BODY_LIMIT') ?? '1mb', 'MDM_BODY_LIMIT'),
    logLevel: logLevel(env),
    shutdownTimeoutMs: shutdownTimeout(env),
    metrics: onOff(env, 'MDM_METRICS') !== 'off',
  };
  const rate = rateLimit(env);
  if (rate) config.rateLimitPerToken = rate;
  if (file !== undefined) config.accountsFile = file;
  const redis = redisUrl(env);
  if (redis !== undefined) config.redisUrl = redis;
  return config;
}
