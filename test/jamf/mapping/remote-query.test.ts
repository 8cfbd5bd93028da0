import { remoteQueryString } from '../../../src/jamf/mapping/remote-query';

describe('remoteQueryString', () => {
  it.each([
    { given: [{ key: 'remote_query[foo]', value: 'bar' }], want: 'foo=bar' },
    { given: [{ key: 'remote_query[a][b]', value: 'c' }, { key: 'remote_query[x]', value: '1' }], want: 'a[b]=c&x=1' },
    { given: [{ key: 'remote_query[l][]', value: '1' }, { key: 'remote_query[l][]', value: '2' }], want: 'l[]=1&l[]=2' },
    { given: [{ key: 'remote_query[q]', value: 'c d&e=f' }], want: 'q=c%20d%26e%3Df' },
    { given: [{ key: 'remote_query[q]', value: '100%' }], want: 'q=100%25' },
    { given: [{ key: 'remote_query[x y]', value: 'ü' }], want: 'x%20y=%C3%BC' },
    { given: [{ key: 'remote_query[flag]', value: '' }], want: 'flag=' },
  ])('writes $want', ({ given, want }) => {
    expect(remoteQueryString(given)).toBe(want);
  });

  it('keeps the caller\'s order and leaves out every other pair', () => {
    expect(remoteQueryString([
      { key: 'remote_query[z]', value: '1' }, { key: 'integrated_account_id', value: 'x' }, { key: 'remote_query[a]', value: '2' },
    ])).toBe('z=1&a=2');
  });
});
