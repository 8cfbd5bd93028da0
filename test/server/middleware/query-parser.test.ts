import { ApiError } from '../../../src/errors';
import { parseQuery, QUERY_LIMITS } from '../../../src/server/middleware/query-parser';

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('parseQuery', () => {
  it.each([
    { given: 'x[]=a&x[]=b', want: { x: ['a', 'b'] } },
    { given: 'x=a&x=b', want: { x: ['a', 'b'] } },
    { given: 'x[0]=a&x[1]=b', want: { x: ['a', 'b'] } },
    { given: 'remote_query[foo]=bar', want: { remote_query: { foo: 'bar' } } },
    { given: 'remote_query[a][b]=c', want: { remote_query: { a: { b: 'c' } } } },
    { given: 'remote_query[a][]=1&remote_query[a][]=2', want: { remote_query: { a: ['1', '2'] } } },
    { given: 'name=J%C3%BCrgen+M%C3%BCller', want: { name: 'Jürgen Müller' } },
    { given: '', want: {} },
  ])('reads $given', ({ given, want }) => {
    expect(plain(parseQuery(given))).toEqual(want);
  });

  it('keeps more than 20 items an array, up to the limit', () => {
    const items = Array.from({ length: QUERY_LIMITS.arrayItems }, (_, i) => `v${i}`);
    expect(parseQuery(items.map((v) => `x[]=${v}`).join('&')).x).toEqual(items);
    expect(parseQuery(items.map((v, i) => `x[${i}]=${v}`).join('&')).x).toEqual(items);
  });

  it.each([
    { name: 'an array over the limit', given: Array.from({ length: QUERY_LIMITS.arrayItems + 1 }, () => 'x[]=a').join('&'), message: /too large or too deeply nested/ },
    { name: 'nesting deeper than the limit', given: `remote_query${'[a]'.repeat(QUERY_LIMITS.depth + 1)}=1`, message: /too deeply nested/ },
    { name: '__proto__ at the top', given: '__proto__=1', message: /reserved name '__proto__'/ },
    { name: 'constructor in remote_query', given: 'remote_query[constructor]=1', message: /reserved name 'constructor'/ },
    { name: 'an encoded __proto__', given: 'remote_query%5B__proto__%5D=1', message: /reserved name '__proto__'/ },
    { name: 'an unclosed bracket', given: 'remote_query[a=1', message: /brackets that do not pair up/ },
    { name: 'nested brackets', given: 'remote_query[[a]]=1', message: /brackets that do not pair up/ },
    { name: 'text after a bracket', given: 'remote_query[a]b=1', message: /brackets that do not pair up/ },
    { name: 'a key that is only brackets', given: '[a]=1', message: /brackets that do not pair up/ },
    { name: '[] before the end', given: 'truto_exclude_fields[][]=id', message: /empty \[\] before the end/ },
  ])('refuses $name with 400', ({ given, message }) => {
    let caught: unknown;
    try { parseQuery(given); } catch (err) { caught = err; }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).status).toBe(400);
    expect((caught as ApiError).message).toMatch(message);
  });

  it('makes null-prototype objects, so keys never reach Object.prototype', () => {
    expect(Object.getPrototypeOf(parseQuery('remote_query[a]=1').remote_query)).toBeNull();
  });
});
