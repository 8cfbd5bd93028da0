import { decodeQueryKey } from '../../keys';

const PREFIX = 'remote_query[';


/**
 * The query string of Jamf's PUT, taken from the caller's own query string: every
 * `remote_query[k]…=v` pair becomes `k…=v`, in the caller's order, nested brackets kept
 * (`remote_query[a][b]=c` → `a[b]=c`) and the value passed on exactly as it was encoded.
 */
export function remoteQueryString(callerQuery: string): string {
  if (!callerQuery.includes('remote_query')) return '';
  const out: string[] = [];
  for (const pair of callerQuery.split('&')) {
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const key = decodeQueryKey(rawKey);
    if (!key.startsWith(PREFIX)) continue;
    const close = key.indexOf(']', PREFIX.length);
    if (close === -1) continue;
    const name = key.slice(PREFIX.length, close);
    const rest = key.slice(close + 1).replace(/[^[\]]+/g, (part) => encodeURIComponent(part));
    out.push(`${encodeURIComponent(name)}${rest}${eq === -1 ? '' : pair.slice(eq)}`);
  }
  return out.join('&');
}
