/** One `remote_query[…]=value` pair of the caller's query string, key and value decoded. */
export interface RemoteQueryPair {
  key: string;
  value: string;
}

const PREFIX = 'remote_query[';

/**
 * The query string of Jamf's PUT, from the caller's `remote_query` pairs as the server's one query parse
 * read (and validation checked) them: every `remote_query[k]…=v` becomes `k…=v`, in the caller's order,
 * nested brackets kept (`remote_query[a][b]=c` → `a[b]=c`, `remote_query[a][]=1` → `a[]=1`). Names
 * and values are percent-encoded anew (`encodeURIComponent`), brackets written as brackets.
 */
export function remoteQueryString(pairs: readonly RemoteQueryPair[]): string {
  const out: string[] = [];
  for (const { key, value } of pairs) {
    if (!key.startsWith(PREFIX)) continue;
    const parts = key.slice(PREFIX.length - 1).match(/\[[^\]]*\]/g) ?? [];
    const [name, ...rest] = parts.map((part) => part.slice(1, -1));
    if (name === undefined || name === '') continue;
    const nested = rest.map((part) => `[${encodeURIComponent(part)}]`).join('');
    out.push(`${encodeURIComponent(name)}${nested}=${encodeURIComponent(value)}`);
  }
  return out.join('&');
}
