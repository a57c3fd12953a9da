import { describe, expect, it } from 'vitest';
import { snapshotForWeek } from '../../src/snapshots/snapshot-for-week.ts';

describe('snapshotForWeek (the walk-forward rule)', () => {
  const yearEnds = ['2021-12-31', '2019-12-31', '2020-12-31'];

  it('picks the latest year end strictly before the first day of the week', () => {
    // Prepare / Act / Assess in one line each: the rule is a pure function.
    expect(snapshotForWeek(yearEnds, '2020-01-06')).toBe('2019-12-31');
    expect(snapshotForWeek(yearEnds, '2020-12-28')).toBe('2019-12-31');
    expect(snapshotForWeek(yearEnds, '2021-01-04')).toBe('2020-12-31');
    expect(snapshotForWeek(yearEnds, '2024-06-03')).toBe('2021-12-31');
  });

  it('never uses a snapshot whose year end is the first day of the week itself', () => {
    // A week starting on Monday 2018-12-31 began before the 2018 snapshot's data ended.
    expect(snapshotForWeek(['2017-12-31', '2018-12-31'], '2018-12-31')).toBe('2017-12-31');
    expect(snapshotForWeek(['2017-12-31', '2018-12-31'], '2019-01-01')).toBe('2018-12-31');
  });

  it('returns undefined when no snapshot is old enough, or there are none', () => {
    expect(snapshotForWeek(yearEnds, '2019-12-30')).toBeUndefined();
    expect(snapshotForWeek([], '2020-01-06')).toBeUndefined();
  });

  it('rejects dates that are not YYYY-MM-DD rather than compare them wrongly', () => {
    expect(() => snapshotForWeek(yearEnds, '2020-1-6')).toThrow(/weekStart must be YYYY-MM-DD/);
    expect(() => snapshotForWeek(['31/12/2020'], '2021-01-04')).toThrow(/year end must be YYYY-MM-DD/);
  });
});
