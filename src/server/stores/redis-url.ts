/**
 * The Redis URL of a fleet's shared state (`MDM_REDIS_URL`): checking it and printing it without its
 * password. No Redis client here, so the configuration can check the URL without loading one.
 */

/** What a valid Redis URL looks like, for messages. */
const SHAPE = 'redis://[:password@]host[:port][/db] (or rediss:// for TLS)';

/** The URL with its password replaced by `***`, fit for logs and errors (an unparsable one loses everything before its last `@`). */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/.*@/, '//***@');
  }
}

/**
 * Checks that `url` is `redis://` or `rediss://` with a host and an optional numeric db path.
 * @throws Error whose message starts with `what` and says what a valid URL looks like (the password never in it).
 */
export function checkRedisUrl(url: string, what = 'The Redis URL'): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['redis:', 'rediss:'].includes(parsed.protocol) || !/^\/?\d*$/.test(parsed.pathname) || parsed.hostname === '') {
    throw new Error(`${what} must look like ${SHAPE}, not '${redactRedisUrl(url)}'.`);
  }
}
