/** What a Jamf Classic API error page says: its bold reason and its message paragraph. */
export interface StatusPage {
  reason?: string;
  message?: string;
}

const PARAGRAPH = /<p\b[^>]*>([\s\S]*?)<\/p>/gi;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|\w+);/gi, (whole, name: string) => {
      if (name.startsWith('#')) {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        // A reference to no character (beyond U+10FFFF) is left as written rather than thrown on.
        return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Reads Jamf's HTML "Status page" error body: the first `<p>` is the reason (`Conflict`), the second the
 * message (`Error: Duplicate name`). Anything else yields what could be found.
 * @see ../../../test/fixtures/jamf/classic_error_409_conflict.html
 */
export function parseStatusPage(body: string): StatusPage {
  const paragraphs = [...body.matchAll(PARAGRAPH)].map((m) => plainText(m[1] ?? '')).filter((p) => p !== '');
  const page: StatusPage = {};
  if (paragraphs[0] !== undefined) page.reason = paragraphs[0];
  if (paragraphs[1] !== undefined) page.message = paragraphs[1];
  return page;
}
