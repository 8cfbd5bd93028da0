import fc from 'fast-check';
import { ListItemNames } from '../../../src/jamf/simulator/list-items';
import { parseUserXml, renderUserIdXml, renderUserXml, UserXmlError } from '../../../src/jamf/simulator/user-xml';
import type { JamfObject, SimulatorUser } from '../../../src/jamf/simulator';

const parse = (xml: string) => parseUserXml(xml, new ListItemNames());
/** Characters XML 1.0 can carry. */
const XML_TEXT = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

describe('reading a PUT <user> body', () => {
  it.each<[string, string, JamfObject]>([
    ['decodes the predefined entities and numeric references',
      '<user><full_name>a &lt;b&gt; &amp; &quot;q&quot; &apos;s&apos; &#233; &#x1F600;</full_name></user>',
      { full_name: 'a <b> & "q" \'s\' é 😀' }],
    ['keeps CDATA text as it is, ]]> included',
      '<user><full_name><![CDATA[<b> &amp; ]]]]><![CDATA[>]]></full_name></user>',
      { full_name: '<b> &amp; ]]>' }],
    ['keeps surrounding and inner whitespace', '<user><position>  two\n lines\t</position></user>', { position: '  two\n lines\t' }],
    ['keeps number-like text as text', '<user><phone_number>007</phone_number><position>1e3</position></user>', { phone_number: '007', position: '1e3' }],
    ['reads ids as numbers, as Jamf\'s JSON has them',
      '<user><id>6</id><sites><site><id>1</id><name>x</name></site></sites></user>',
      { id: 6, sites: [{ id: 1, name: 'x' }] }],
    ['reads enable_custom_photo_url as a boolean', '<user><enable_custom_photo_url>true</enable_custom_photo_url></user>', { enable_custom_photo_url: true }],
    ['reads empty elements as empty text and empty Jamf lists as []',
      '<user><full_name/><position></position><sites/><extension_attributes>\n</extension_attributes></user>',
      { full_name: '', position: '', sites: [], extension_attributes: [] }],
    ['reads a Jamf list with one item as a list',
      '<user><extension_attributes><extension_attribute><id>1</id><name>vip</name><type>String</type><value>yes</value></extension_attribute></extension_attributes></user>',
      { extension_attributes: [{ id: 1, name: 'vip', type: 'String', value: 'yes' }] }],
    ['reads an unknown element whose one child is its singular as a list', '<user><foo_items><foo_item>1</foo_item></foo_items></user>', { foo_items: ['1'] }],
    ['reads repeated children as a list', '<user><people><person>a</person><person>b</person></people></user>', { people: ['a', 'b'] }],
    ['reads other nested elements as objects',
      '<user><ldap_server><id>2</id><name>LDAP</name></ldap_server><custom><a>1</a><b><c>2</c></b></custom></user>',
      { ldap_server: { id: 2, name: 'LDAP' }, custom: { a: '1', b: { c: '2' } } }],
    ['ignores the declaration, comments and attributes',
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><user><name lang="en">x</name></user>\n',
      { name: 'x' }],
  ])('%s', (_case, xml, want) => {
    expect(parse(xml)).toStrictEqual(want);
  });

  it('keeps elements in document order', () => {
    expect(Object.keys(parse('<user><z>1</z><a>2</a><m>3</m></user>'))).toEqual(['z', 'a', 'm']);
  });

  it.each([
    ['an unclosed element', '<user><name>x</user>', /Unable to parse XML/],
    ['an empty body', '', /Unable to parse XML/],
    ['text that is not XML', 'name=x', /Unable to parse XML/],
    ['a bare ampersand', '<user><name>a & b</name></user>', /Unable to parse XML/],
    ['an undefined entity', '<user><name>a&nbsp;b</name></user>', /Unable to parse XML.*&nbsp;/],
    ['an entity declared in a DOCTYPE', '<!DOCTYPE user [<!ENTITY e "zz">]><user><name>&e;</name></user>', /Unable to parse XML/],
    ['a reference to a character XML forbids', '<user><name>&#0;</name></user>', /Unable to parse XML/],
    ['another root element', '<users><user><name>x</name></user></users>', /root element is <users>/],
    ['two root elements', '<user/><user/>', /exactly one root element/],
  ])('refuses %s', (_case, xml, message) => {
    expect(() => parse(xml)).toThrow(UserXmlError);
    expect(() => parse(xml)).toThrow(message);
  });
});

describe('writing a user as XML', () => {
  const lists = new ListItemNames();

  it('writes Jamf\'s compact form: declaration, self-closing empties, lists as repeated singular children', () => {
    const user: SimulatorUser = {
      id: 5, name: 'n', full_name: '', enable_custom_photo_url: false, sites: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }],
      extension_attributes: [], links: { computers: [{ id: 7, name: 'c' }], total_vpp_code_count: 0 }, nothing: null,
    };
    expect(renderUserXml(user, lists)).toBe('<?xml version="1.0" encoding="UTF-8"?><user><id>5</id><name>n</name><full_name/>'
      + '<enable_custom_photo_url>false</enable_custom_photo_url><sites><site><id>1</id><name>a</name></site><site><id>2</id><name>b</name></site></sites>'
      + '<extension_attributes/><links><computers><computer><id>7</id><name>c</name></computer></computers><total_vpp_code_count>0</total_vpp_code_count></links>'
      + '<nothing/></user>');
  });

  it('escapes &, < and > (so ]]> cannot appear) but leaves quotes, like Jamf', () => {
    expect(renderUserXml({ id: 1, name: `a<b>&"c"'d']]>` }, lists)).toContain(`<name>a&lt;b&gt;&amp;"c"'d']]&gt;</name>`);
  });

  it('writes a list with the child name it arrived with', () => {
    const learning = new ListItemNames();
    const user = parseUserXml('<user><people><person>a</person><person>b</person></people></user>', learning);
    expect(renderUserXml({ id: 1, name: 'x', ...user }, learning)).toContain('<people><person>a</person><person>b</person></people>');
  });

  it('answers a PUT with <user><id>N</id></user>', () => {
    expect(renderUserIdXml(6)).toBe('<?xml version="1.0" encoding="UTF-8"?><user><id>6</id></user>');
  });

  it('any text XML can carry survives writing and reading back, byte for byte', () => {
    const unit = fc.oneof(
      fc.constantFrom('<', '>', '&', '"', "'", ']]>', '<![CDATA[', '&amp;', '&#233;', '\r', '\r\n', '\n', '\t', ' ', 'é', '😀', '\u2028'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    const text = fc.string({ unit, maxLength: 20 }).filter((s) => XML_TEXT.test(s));
    fc.assert(fc.property(text, (value) => {
      const xml = renderUserXml({ id: 1, name: value, position: value, custom: { inner: value } }, lists);
      expect(parseUserXml(xml, lists)).toStrictEqual({ id: 1, name: value, position: value, custom: { inner: value } });
    }), { numRuns: 300 });
  });
});
