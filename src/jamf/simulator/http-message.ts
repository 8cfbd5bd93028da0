import type { IncomingMessage } from 'node:http';

/** Splits a request target into its path and raw query string (without `?`). */
export function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

/**
 * Reads the whole request body. Beyond `limit` bytes the rest is read and dropped, and the
 * result is `undefined` (the caller answers 413). Rejects when the client goes away mid-body.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) return undefined;
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

/** `true` when `Accept` asks for JSON before (or without) XML; Jamf answers XML otherwise. */
export function wantsJson(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const json = accept.indexOf('application/json');
  if (json < 0) return false;
  const xml = accept.search(/(?:application|text)\/xml/);
  return xml < 0 || json < xml;
}

/** `true` when the `Cookie` header holds `name=value`. */
export function hasCookie(header: string | undefined, name: string, value: string): boolean {
  if (header === undefined) return false;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name && pair.slice(eq + 1).trim() === value) return true;
  }
  return false;
}

/** `true` for `application/xml` and `text/xml`, with or without parameters. */
export function isXmlContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*(?:application|text)\/xml\s*(?:;|$)/i.test(contentType);
}
