/**
 * Character-level XML: decoding entity references in parsed text and escaping text for output.
 * @see https://www.w3.org/TR/xml/#sec-references
 */

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|([^;&\s]*));/g;

/** Raised for a reference the document may not use (an undeclared entity, a code point XML cannot hold). */
export class XmlReferenceError extends Error {
  override readonly name = 'XmlReferenceError';
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd
    || (code >= 0x20 && code <= 0xd7ff)
    || (code >= 0xe000 && code <= 0xfffd)
    || (code >= 0x10000 && code <= 0x10ffff);
}

/** Replaces the five predefined entities and numeric character references; anything else is an error. */
export function decodeXmlReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (ref: string, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (hex !== undefined || dec !== undefined) {
      const code = hex !== undefined ? parseInt(hex, 16) : parseInt(dec as string, 10);
      if (!isXmlChar(code)) throw new XmlReferenceError(`character reference ${ref} is not a character XML allows`);
      return String.fromCodePoint(code);
    }
    const replacement = PREDEFINED[name as string];
    if (replacement === undefined) throw new XmlReferenceError(`the entity ${ref} is not defined`);
    return replacement;
  });
}

/**
 * The entity decoder given to fast-xml-parser: XML's own entities and numeric references only
 * (the parser's default decodes numeric references only in HTML mode). DOCTYPE entities are refused.
 */
export const xmlEntityDecoder = {
  setExternalEntities(): void {},
  addInputEntities(): void {},
  reset(): void {},
  setXmlVersion(): void {},
  decode: decodeXmlReferences,
};

const TEXT_SPECIALS = /[&<>\r]/g;
const TEXT_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/**
 * Escapes element text: `&`, `<`, `>` (so `]]>` cannot appear), and CR (which parsers would turn into LF).
 * Quotes stay as they are, like Jamf's own output (`Twanda's MacBook Air`).
 */
export function escapeXmlText(text: string): string {
  return text.replace(TEXT_SPECIALS, (c) => TEXT_ESCAPES[c] as string);
}
