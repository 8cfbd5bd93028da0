import type { Dispatcher } from 'undici';
import { JamfResponseError } from '../../errors';
import { rawText } from './jamf-errors';
import type { JamfUserEnvelope } from './types';

/** An answer of Jamf, its body not read yet. */
export type JamfResponse = Dispatcher.ResponseData;

/** Whether an answer is a success (2xx). */
export function isSuccess(res: JamfResponse): boolean {
  return res.statusCode >= 200 && res.statusCode < 300;
}

/** The `cookie` header that carries the cookies Jamf set (`jpro-ingress`, `APBALANCEID`) to the next call. */
export function stickyCookie(setCookie: string | string[] | undefined): { cookie?: string } {
  if (setCookie === undefined) return {};
  const pairs = (Array.isArray(setCookie) ? setCookie : [setCookie])
    .map((c) => c.split(';', 1)[0]?.trim() ?? '')
    .filter((pair) => /^[^=\s]+=/.test(pair));
  return pairs.length === 0 ? {} : { cookie: pairs.join('; ') };
}

/** Jamf's JSON of a user, `{"user": {...}}`; anything else is an unreadable answer (502 with the text). */
export function parseUserJson(text: string): JamfUserEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new JamfResponseError('Jamf answered the GET of the user with a body that is not valid JSON.', rawText(text), err);
  }
  const user = (parsed as { user?: unknown } | null)?.user;
  if (typeof user !== 'object' || user === null || Array.isArray(user)) {
    throw new JamfResponseError('Jamf answered the GET of the user with JSON that holds no "user" object.', parsed);
  }
  return parsed as JamfUserEnvelope;
}

/** The answer's media type (the first, should Jamf send several), or `fallback`. */
export function contentTypeOf(res: JamfResponse, fallback: string): string {
  const type = res.headers['content-type'];
  return (Array.isArray(type) ? type[0] : type) ?? fallback;
}

/** The body as text; a failure while reading is handed to `failure` to become the error thrown. */
export async function readText(res: JamfResponse, failure: (err: unknown) => unknown): Promise<string> {
  try {
    return await res.body.text();
  } catch (err) {
    throw failure(err);
  }
}

/** Drops an answer's body (a status page) so its connection can serve the next request. */
export async function discard(res: JamfResponse): Promise<void> {
  try {
    await res.body.dump();
  } catch {
    // The connection is gone; the pool opens another.
  }
}

/** Resolves once the body has closed: read to its end, destroyed by its reader, or failed. Never rejects. */
export function bodyClosed(res: JamfResponse): Promise<void> {
  const body = res.body;
  if (body.closed) return Promise.resolve();
  return new Promise((resolve) => body.once('close', () => resolve()));
}
