import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { ListItemNames } from './list-items';
import type { JamfObject, JamfValue } from './types';
import { escapeXmlText, xmlEntityDecoder } from './xml-text';

/** The declaration Jamf puts before every XML body. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** Elements Jamf's JSON has as integers (`"id": 6`) and booleans; all other text stays text, exactly as sent. */
const INTEGER_ELEMENTS = new Set(['id', 'size', 'total_vpp_code_count']);
const BOOLEAN_ELEMENTS = new Set(['enable_custom_photo_url']);
const INTEGER_TEXT = /^-?\d{1,15}$/;

/** A node of fast-xml-parser's `preserveOrder` output: `{tag: children}` or `{'#text': text}`. */
type OrderedNode = Record<string, OrderedNode[] | string>;
interface Element {
  name: string;
  children: OrderedNode[];
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  entityDecoder: xmlEntityDecoder,
});

const builder = new XMLBuilder({
  format: false,
  ignoreAttributes: true,
  suppressEmptyNode: true,
  processEntities: false,
  tagValueProcessor: (_name: string, value: unknown) => (typeof value === 'string' ? escapeXmlText(value) : value),
});

/** A request body that is not a well-formed `<user>` document; the message is what Jamf's 400 page shows. */
export class UserXmlError extends Error {
  override readonly name = 'UserXmlError';
}

function split(nodes: OrderedNode[]): { elements: Element[]; text: string } {
  const elements: Element[] = [];
  let text = '';
  for (const node of nodes) {
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (key === '#text') text += String(value);
      else if (key !== ':@' && Array.isArray(value)) elements.push({ name: key, children: value });
    }
  }
  return { elements, text };
}

function typedText(name: string, text: string): JamfValue {
  if (INTEGER_ELEMENTS.has(name) && INTEGER_TEXT.test(text)) return Number(text);
  if (BOOLEAN_ELEMENTS.has(name) && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function toObject(elements: Element[], lists: ListItemNames): JamfObject {
  const object: JamfObject = {};
  const repeated = new Set<string>();
  for (const element of elements) {
    const value = toValue(element, lists);
    if (!Object.prototype.hasOwnProperty.call(object, element.name)) {
      object[element.name] = value;
    } else if (repeated.has(element.name)) {
      (object[element.name] as JamfValue[]).push(value);
    } else {
      object[element.name] = [object[element.name] as JamfValue, value];
      repeated.add(element.name);
    }
  }
  return object;
}

/** One element in Jamf's JSON form: text (typed for `id` and the like), a list, or an object. */
function toValue(element: Element, lists: ListItemNames): JamfValue {
  const { elements, text } = split(element.children);
  if (elements.length === 0) {
    return lists.isKnownList(element.name) && text.trim() === '' ? [] : typedText(element.name, text);
  }
  const first = (elements[0] as Element).name;
  const sameName = elements.every((e) => e.name === first);
  if (lists.isKnownList(element.name) || (sameName && (elements.length > 1 || lists.isItemOf(element.name, first)))) {
    if (sameName) lists.learn(element.name, first);
    return elements.map((e) => toValue(e, lists));
  }
  return toObject(elements, lists);
}

/**
 * Reads a PUT body into the JSON form the store keeps: elements in document order, lists as arrays,
 * text exactly as sent (entities decoded, nothing trimmed), `id`s as numbers as in Jamf's JSON.
 * @throws UserXmlError when the body is not well-formed XML or its root is not `<user>`.
 */
export function parseUserXml(xml: string, lists: ListItemNames): JamfObject {
  let document: OrderedNode[];
  try {
    document = parser.parse(xml, true) as OrderedNode[];
  } catch (error) {
    throw new UserXmlError(`Unable to parse XML: ${(error as Error).message}`);
  }
  const { elements } = split(document);
  if (elements.length !== 1) throw new UserXmlError('The XML document must have exactly one root element, <user>');
  const root = elements[0] as Element;
  if (root.name !== 'user') throw new UserXmlError(`The root element is <${root.name}>; a user is sent as <user>`);
  return toObject(split(root.children).elements, lists);
}

function toBuilderTree(name: string, value: JamfValue, lists: ListItemNames): unknown {
  if (value === null) return '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '';
    const item = lists.itemOf(name);
    return { [item]: value.map((v) => toBuilderTree(item, v, lists)) };
  }
  if (typeof value === 'object') {
    const tree: Record<string, unknown> = {};
    for (const key of Object.keys(value)) tree[key] = toBuilderTree(key, value[key] as JamfValue, lists);
    return tree;
  }
  return value;
}

/** Writes a user the way Jamf does: compact, empty elements self-closing, lists as repeated singular children. */
export function renderUserXml(user: JamfObject, lists: ListItemNames): string {
  return XML_DECLARATION + (builder.build({ user: toBuilderTree('user', user, lists) }) as string);
}

/** The body of a successful PUT: `<user><id>N</id></user>`. */
export function renderUserIdXml(id: number): string {
  return XML_DECLARATION + (builder.build({ user: { id } }) as string);
}
