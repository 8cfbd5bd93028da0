import { runBin } from '../helpers/run';

describe('the spec', () => {
  it('lints with no errors and no warnings (recommended rules, unused components are errors)', () => {
    const { stdout } = runBin('redocly', ['lint', '--format=json']);
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});
