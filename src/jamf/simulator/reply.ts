import type { ServerResponse } from 'node:http';
import { LargeBody } from './large-body';
import { renderStatusPage, STATUS_PAGE_CONTENT_TYPE } from './status-page';

export const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** An answer, built by a handler and written by {@link sendReply}. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | LargeBody;
}

export function reply(status: number, contentType: string, body: string | Buffer, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body: typeof body === 'string' ? Buffer.from(body) : body };
}

/** Jamf's HTML error page for `status`. */
export function statusPageReply(status: number, message?: string, headers: Record<string, string | string[]> = {}): Reply {
  return reply(status, STATUS_PAGE_CONTENT_TYPE, renderStatusPage(status, message), headers);
}

export function jsonReply(status: number, value: unknown): Reply {
  return reply(status, JSON_CONTENT_TYPE, JSON.stringify(value));
}

/**
 * The same answer as 200 with its body cut in half: JSON or XML that no parser accepts.
 * Error pages (HTML) are replaced by the start of a user document in the format the caller asked for.
 */
export function garble(original: Reply, wantsJson: boolean): Reply {
  const contentType = String(original.headers['Content-Type'] ?? '');
  const structured = original.body instanceof Buffer && (contentType.startsWith('text/xml') || contentType.startsWith('application/json'));
  if (structured) {
    const body = original.body as Buffer;
    return { status: 200, headers: original.headers, body: body.subarray(0, Math.floor(body.length / 2)) };
  }
  return wantsJson
    ? reply(200, JSON_CONTENT_TYPE, '{"user":{"id":', omitContentType(original.headers))
    : reply(200, XML_CONTENT_TYPE, '<?xml version="1.0" encoding="UTF-8"?><user><id>', omitContentType(original.headers));
}

function omitContentType(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const { 'Content-Type': _ignored, ...rest } = headers;
  return rest;
}

/** Writes `answer` with a `Content-Length`; large bodies are streamed. */
export async function sendReply(res: ServerResponse, answer: Reply): Promise<void> {
  if (res.destroyed) return;
  const length = answer.body instanceof LargeBody ? answer.body.byteLength : answer.body.length;
  res.writeHead(answer.status, answer.status === 204 ? answer.headers : { ...answer.headers, 'Content-Length': String(length) });
  if (answer.body instanceof LargeBody) await answer.body.writeTo(res);
  else res.end(answer.body);
}
