import { serializeQuery } from '../../src/client/query-serializer';

describe('serializeQuery', () => {
  const cases: Array<{ name: string; given: Record<string, unknown>; want: string }> = [
    { name: 'scalars as key=value', given: { integrated_account_id: '62f44730-dd91-461e-bd6a-aedd9e0ad79d', truto_response_format: 'unified' },
      want: 'integrated_account_id=62f44730-dd91-461e-bd6a-aedd9e0ad79d&truto_response_format=unified' },
    { name: 'arrays as repeated key[]=value', given: { truto_exclude_fields: ['id', 'name'] }, want: 'truto_exclude_fields[]=id&truto_exclude_fields[]=name' },
    { name: 'objects as key[k]=v', given: { remote_query: { foo: 'bar' } }, want: 'remote_query[foo]=bar' },
    { name: 'nested objects as key[a][b]=c', given: { remote_query: { a: { b: 'c', d: { e: 'f' } } } }, want: 'remote_query[a][b]=c&remote_query[a][d][e]=f' },
    { name: 'arrays inside objects', given: { remote_query: { ids: ['1', '2'] } }, want: 'remote_query[ids][]=1&remote_query[ids][]=2' },
    { name: 'booleans and numbers as text', given: { truto_ignore_remote_data: true, n: 0, f: false }, want: 'truto_ignore_remote_data=true&n=0&f=false' },
    { name: 'undefined and null left out', given: { a: undefined, b: null, c: 'x' }, want: 'c=x' },
    { name: 'empty array sends nothing', given: { truto_exclude_fields: [] }, want: '' },
    { name: 'reserved characters in values percent-encoded', given: { remote_query: { q: 'a&b=c d/é#?[]' } }, want: 'remote_query[q]=a%26b%3Dc%20d%2F%C3%A9%23%3F%5B%5D' },
    { name: 'reserved characters in keys percent-encoded, brackets kept', given: { remote_query: { 'a b&c': 'x', 'k[x]': 'y' } }, want: 'remote_query[a%20b%26c]=x&remote_query[k%5Bx%5D]=y' },
    { name: 'unicode values', given: { remote_query: { name: '日本語 🎉' } }, want: 'remote_query[name]=%E6%97%A5%E6%9C%AC%E8%AA%9E%20%F0%9F%8E%89' },
    { name: 'the reference example', given: {
      integrated_account_id: '62f44730-dd91-461e-bd6a-aedd9e0ad79d', truto_response_format: 'unified', truto_exclude_fields: ['id', 'name'], remote_query: { foo: 'bar' } },
      want: 'integrated_account_id=62f44730-dd91-461e-bd6a-aedd9e0ad79d&truto_response_format=unified&truto_exclude_fields[]=id&truto_exclude_fields[]=name&remote_query[foo]=bar' },
  ];
  it.each(cases)('writes $name', ({ given, want }) => {
    expect(serializeQuery(given)).toBe(want);
  });

  it('refuses an array of objects, which has no query form', () => {
    expect(() => serializeQuery({ x: [{ a: 1 }] })).toThrow(/array of objects/);
  });
});
