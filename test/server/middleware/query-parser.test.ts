import { ApiError } from '../../../src/errors';
import { parseQuery, parseQueryString, QUERY_LIMITS } from '../../../src/server/middleware/query-parser';

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
    { given: 'x%5B0%5D=a&x%5B1%5D=b', want: { x: ['a', 'b'] } },
    { given: 'remote_query%5Bfoo%5D=bar&remote_query%5Ba%5D%5Bb%5D=c', want: { remote_query: { foo: 'bar', a: { b: 'c' } } } },
    { given: 'x=a,b', want: { x: 'a,b' } },
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

  it.each([
    { given: 'x=a,b', want: ['a', 'b'] },
    { given: 'x=a%2Cb', want: ['a', 'b'] },
    { given: 'x[]=a,b&x[]=c', want: ['a', 'b', 'c'] },
    { given: 'x=a', want: 'a' },
    { given: 'x=a,', want: ['a', ''] },
  ])('splits $given at commas for a comma-list key', ({ given, want }) => {
    expect(parseQuery(given, ['x']).x).toEqual(want);
  });

  it('leaves commas alone in keys that are not comma lists (remote_query values included)', () => {
    expect(plain(parseQuery('y=a,b&remote_query[x]=a,b', ['x']))).toEqual({ y: 'a,b', remote_query: { x: 'a,b' } });
  });

  it('refuses a comma list longer than the array limit', () => {
    expect(() => parseQuery(`x=${Array.from({ length: QUERY_LIMITS.arrayItems + 1 }, () => 'a').join(',')}`, ['x'])).toThrow(/too large/);
  });

  it('keeps the pairs it decoded, in order, as the one reading both validation and forwarding use', () => {
    const { query, pairs } = parseQueryString('a=1&remote_query%5Bk%5D=x+y&remote_query[n][m]=100%&flag');
    expect(pairs).toEqual([
      { key: 'a', value: '1' }, { key: 'remote_query[k]', value: 'x y' }, { key: 'remote_query[n][m]', value: '100%' }, { key: 'flag', value: '' },
    ]);
    expect(plain(query)).toEqual({ a: '1', remote_query: { k: 'x y', n: { m: '100%' } }, flag: '' });
  });

  it('makes null-prototype objects, so keys never reach Object.prototype', () => {
    expect(Object.getPrototypeOf(parseQuery('remote_query[a]=1').remote_query)).toBeNull();
  });
});
