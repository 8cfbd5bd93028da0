/**
 * What may follow a comma without making the name "Last, First" (`John Smith, Jr.`), compared in
 * lower case without dots.
 */
const SUFFIXES: ReadonlySet<string> = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'v', 'phd', 'md', 'dds', 'esq', 'mba', 'cpa', 'rn']);
/** A run of whitespace of any kind: spaces, tabs, line breaks, no-break and other Unicode spaces. */
const WHITESPACE = /\s+/u;

const isSuffix = (text: string): boolean => SUFFIXES.has(text.toLowerCase().replace(/\./g, ''));

function splitAtWhitespace(name: string): { first?: string; last?: string } {
  const match = WHITESPACE.exec(name);
  if (match === null) return { first: name };
  return { first: name.slice(0, match.index), last: name.slice(match.index + match[0].length) };
}

/**
 * Jamf's free-text `full_name` as a first and a last name. "Last, First" (a directory import:
 * `Smith, John`) is read as such, unless what follows the comma is a suffix (`John Smith, Jr.`);
 * otherwise the name is split at its first run of whitespace (tabs and no-break spaces included):
 * `Mary Ann Smith` → `Mary` / `Ann Smith`. A name without whitespace is all first name.
 */
export function splitFullName(fullName: unknown): { first?: string; last?: string } {
  const name = typeof fullName === 'string' ? fullName.trim() : '';
  if (name === '') return {};
  const comma = name.indexOf(',');
  if (comma === -1) return splitAtWhitespace(name);
  const before = name.slice(0, comma).trim();
  const after = name.slice(comma + 1).trim();
  if (before === '' || after === '') return splitFullName(before || after);
  if (isSuffix(after)) return splitAtWhitespace(name);
  return { first: after, last: before };
}
