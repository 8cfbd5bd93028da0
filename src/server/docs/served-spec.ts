import type { Request } from 'express';
import { loadSpec, specText } from '../spec';

/** A Host header this server repeats: a DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** The `servers` entry of a served copy of the spec. */
function servedServer(origin: string): { url: string; description: string } {
  return { url: origin, description: 'This server: the one that served this copy of the spec.' };
}

/**
 * The origin a request was sent to: its scheme (https on a TLS socket) and its `Host` header when that
 * is a plain host[:port], else the address and port the connection reached. No proxy header is read.
 */
export function requestOrigin(req: Request): string {
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const host = req.headers.host;
  if (host !== undefined && HOST.test(host)) return `${scheme}://${host.toLowerCase()}`;
  const address = req.socket.localAddress ?? '127.0.0.1';
  return `${scheme}://${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort ?? ''}`;
}

/** The top-level `servers:` block of the YAML (its line and the indented lines after it). */
const SERVERS_BLOCK = /^servers:[ \t]*\n(?:[ \t]+.*\n)*/m;

const MAX_CACHED = 32;

/** Caches a few serialised copies by origin (a server is usually reached under one or two names). */
function cached(render: (origin: string) => string): (origin: string) => string {
  const copies = new Map<string, string>();
  return (origin) => {
    let text = copies.get(origin);
    if (text === undefined) {
      if (copies.size >= MAX_CACHED) copies.clear();
      text = render(origin);
      copies.set(origin, text);
    }
    return text;
  };
}

/** The spec as JSON, its `servers` naming `origin`. */
export const specJsonFor = cached((origin) => `${JSON.stringify({ ...loadSpec(), servers: [servedServer(origin)] }, null, 2)}\n`);

/** The spec's YAML as written, but for its `servers` block, which names `origin`. */
export const specYamlFor = cached((origin) => {
  const { url, description } = servedServer(origin);
  return specText().replace(SERVERS_BLOCK, `servers:\n  - url: ${JSON.stringify(url)}\n    description: ${JSON.stringify(description)}\n`);
});
