import { parseRate } from '../../../src/server/stores/rate';

describe('parseRate', () => {
  it.each([['500/10s', { requests: 500, seconds: 10 }], ['50 / 10s', { requests: 50, seconds: 10 }], ['off', undefined]])('reads %s', (text, want) => {
    expect(parseRate(text, 'x')).toEqual(want);
  });
  it.each(['500', '0/10s', '5/0s', 'lots', '5/100000s'])('refuses %s, saying what a valid value looks like', (text) => {
    expect(() => parseRate(text, 'MDM_X')).toThrow(/MDM_X must look like '500\/10s'/);
  });
});

