import { splitFullName } from '../../../src/jamf/mapping/full-name';
import { toNormalizedUser, toUnifiedUser } from '../../../src/jamf/mapping/from-jamf';

describe('splitFullName', () => {
  it.each([
    { given: 'John Doe', first: 'John', last: 'Doe' },
    { given: 'Mary Ann Smith', first: 'Mary', last: 'Ann Smith' },
    { given: 'John\tDoe', first: 'John', last: 'Doe' },
    { given: 'John\u00a0Doe', first: 'John', last: 'Doe' },
    { given: 'John \t\u00a0 Doe', first: 'John', last: 'Doe' },
    { given: 'John\u3000Doe', first: 'John', last: 'Doe' },
    { given: '\u00a0John Doe\t', first: 'John', last: 'Doe' },
    { given: 'Smith, John', first: 'John', last: 'Smith' },
    { given: 'Smith,John', first: 'John', last: 'Smith' },
    { given: 'Smith, John Paul', first: 'John Paul', last: 'Smith' },
    { given: 'van der Berg, Anna', first: 'Anna', last: 'van der Berg' },
    { given: 'John Smith, Jr.', first: 'John', last: 'Smith, Jr.' },
    { given: 'John Smith, PhD', first: 'John', last: 'Smith, PhD' },
    { given: 'Smith,', first: 'Smith', last: undefined },
    { given: ', John', first: 'John', last: undefined },
    { given: 'Cher', first: 'Cher', last: undefined },
    { given: '张伟', first: '张伟', last: undefined },
  ])('reads $given as first $first, last $last', ({ given, first, last }) => {
    expect(splitFullName(given)).toEqual(last === undefined ? { first } : { first, last });
  });
});

describe('the unified and normalized user take first and last name from splitFullName', () => {
  it.each([
    { full_name: 'Smith, John', first_name: 'John', last_name: 'Smith' },
    { full_name: 'John\u00a0Doe', first_name: 'John', last_name: 'Doe' },
    { full_name: 'Cher', first_name: 'Cher', last_name: undefined },
  ])('maps $full_name', ({ full_name, first_name, last_name }) => {
    const user = { id: 2, name: 'x', full_name };
    expect(toUnifiedUser(user)).toMatchObject({ first_name });
    expect(toUnifiedUser(user).last_name).toBe(last_name);
    expect(toNormalizedUser(user)).toMatchObject({ first_name, last_name: last_name ?? null });
  });
});
