import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths that could hold a secret, censored wherever they appear in a log line. */
const REDACTED_PATHS = [
  'authorization', '*.authorization', '*.*.authorization', 'headers.authorization', 'req.headers.authorization',
  'client_secret', '*.client_secret', '*.*.client_secret', 'password', '*.password', '*.*.password',
  'token', '*.token', 'access_token', '*.access_token',
];

/** The structured JSON logger (pino), with secrets censored. */
export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'mdm-users' } };
  return destination ? pino(options, destination) : pino(options);
}
