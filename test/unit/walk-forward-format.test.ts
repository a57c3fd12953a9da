import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.ts';
import { averageRanks, formatForecastsCsv, formatForecastsTable, spearman, weeklyRankIc } from '../../src/snapshots/format-forecasts.ts';
import type { WalkForwardRow } from '../../src/snapshots/walk-forward.ts';

const rows: WalkForwardRow[] = [
  { symbol: 'AAPL', weekStart: '2020-12-28', weekEnd: '2021-01-01', forecast: 0.0123, snapshot: '2019-12-31', walk_forward: 'snapshot', realised: -0.004 },
  { symbol: 'MSFT', weekStart: '2021-01-04', weekEnd: '2021-01-08', forecast: -0.002, snapshot: '2020-12-31', walk_forward: 'snapshot', realised: null },
  { symbol: 'AAPL', weekStart: '2016-01-04', weekEnd: '2016-01-08', forecast: 0.001, snapshot: null, walk_forward: 'final_model', realised: 0.02 },
];

describe('formatForecastsCsv', () => {
  it('writes one parseable row per forecast, with the snapshot used and empty cells for unknowns', () => {
    // Act
    const table = parseCsv(formatForecastsCsv(rows), 'forecasts.csv');
    // Assess
    expect(table.header).toEqual(['symbol', 'week_start', 'week_end', 'forecast', 'snapshot', 'walk_forward', 'realised']);
    expect(table.rows.map((r) => r.fields)).toEqual([
      ['AAPL', '2020-12-28', '2021-01-01', '0.0123', '2019-12-31', 'snapshot', '-0.004'],
      ['MSFT', '2021-01-04', '2021-01-08', '-0.002', '2020-12-31', 'snapshot', ''],
      ['AAPL', '2016-01-04', '2016-01-08', '0.001', '', 'final_model', '0.02'],
    ]);
  });
});

describe('formatForecastsTable', () => {
  it('shows each forecast in percent with the snapshot that made it, and flags final-model rows', () => {
    // Act
    const text = formatForecastsTable(rows);
    const lines = text.split('\n');
    // Assess
    expect(lines[0]).toMatch(/^symbol\s+week\s+forecast\s+snapshot used\s+realised$/);
    expect(lines[1]).toMatch(/^AAPL\s+2020-12-28\.\.2021-01-01\s+\+1\.23%\s+2019-12-31\s+-0\.40%$/);
    expect(lines[2]).toMatch(/^MSFT\s+2021-01-04\.\.2021-01-08\s+-0\.20%\s+2020-12-31\s+-$/);
    expect(lines[3]).toContain('FINAL MODEL (not walk-forward)');
    expect(text).toContain('3 forecasts: 2 symbol(s) x 3 week(s)');
    expect(text).toContain('made by: snapshot 2019-12-31 (1), snapshot 2020-12-31 (1), final model (1)');
    expect(text).toContain('warning: 1 forecast(s) come from the final model');
    expect(text).toContain('direction right in 0 of 1 walk-forward forecasts');
    expect(text).toContain('rank IC (Spearman of forecast vs realised across symbols, each week with >= 3 symbols): no such week with known outcomes');
  });

  it('says so when there is nothing to show', () => {
    expect(formatForecastsTable([])).toBe('no forecasts: no complete week in the range\n');
  });
});

describe('Spearman rank correlation', () => {
  it('gives tied values the average of the ranks they span', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(averageRanks([7, 7, 7])).toEqual([2, 2, 2]);
  });

  it('matches a hand computation with ties on both sides', () => {
    // Prepare: ranks by hand, ties averaged.
    //   forecast [0.01, 0.03, 0.03, -0.02, 0.00] → [3, 4.5, 4.5, 1, 2]
    //   realised [0.5, 0.2, 0.9, -0.1, 0.2]      → [4, 2.5, 5, 1, 2.5]
    //   deviations from the mean rank 3: [0, 1.5, 1.5, -2, -1] and [1, -0.5, 2, -2, -0.5]
    //   rho = 6.75 / sqrt(9.5 × 9.5) = 0.7105263… (scipy.stats.spearmanr agrees)
    // Act
    const rho = spearman([0.01, 0.03, 0.03, -0.02, 0.0], [0.5, 0.2, 0.9, -0.1, 0.2]);
    // Assess
    expect(rho).toBeCloseTo(6.75 / 9.5, 12);
  });

  it('is 1 for the same order, -1 for the reverse, and undefined when a side is constant', () => {
    expect(spearman([1, 2, 3, 4], [10, 40, 90, 160])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3], [5, 5, 5])).toBeNull();
  });
});

describe('weeklyRankIc', () => {
  const row = (symbol: string, weekStart: string, forecast: number, realised: number | null, walk_forward: 'snapshot' | 'final_model' = 'snapshot'): WalkForwardRow => ({
    symbol,
    weekStart,
    weekEnd: weekStart,
    forecast,
    snapshot: walk_forward === 'snapshot' ? '2019-12-31' : null,
    walk_forward,
    realised,
  });
  const weeks: WalkForwardRow[] = [
    // 2020-01-06: the same order on both sides → IC 1.
    row('A', '2020-01-06', 0.01, 0.02), row('B', '2020-01-06', 0.02, 0.03), row('C', '2020-01-06', 0.03, 0.05),
    // 2020-01-13: ranks [1, 2, 3] against [1, 3, 2] → 1 − 6·2 / (3·8) = 0.5.
    row('A', '2020-01-13', -0.01, -0.04), row('B', '2020-01-13', 0.0, 0.01), row('C', '2020-01-13', 0.01, -0.01),
    // 2020-01-20: two symbols only → skipped.
    row('A', '2020-01-20', 0.01, 0.02), row('B', '2020-01-20', 0.02, -0.03),
    // 2020-01-27: three rows, but one is the final model's and one has no outcome yet → skipped.
    row('A', '2020-01-27', 0.01, 0.02), row('B', '2020-01-27', 0.02, 0.01, 'final_model'), row('C', '2020-01-27', 0.03, null),
  ];

  it('averages the weekly cross-sectional ICs and gives their t-statistic, skipping weeks with fewer than 3 symbols', () => {
    // Act
    const ic = weeklyRankIc(weeks);
    // Assess: mean 0.75; sample std sqrt(2 × 0.25² / 1) = 0.35355; t = 0.75 / (0.35355 / sqrt 2) = 3.
    expect(ic.perWeek.map((w) => [w.weekStart, w.symbols])).toEqual([['2020-01-06', 3], ['2020-01-13', 3]]);
    expect(ic.perWeek[0].ic).toBeCloseTo(1, 12);
    expect(ic.perWeek[1].ic).toBeCloseTo(0.5, 12);
    expect(ic.weeks).toBe(2);
    expect(ic.mean).toBeCloseTo(0.75, 12);
    expect(ic.tStat).toBeCloseTo(3, 10);
  });

  it('prints the mean, the t-statistic and the number of weeks under the table', () => {
    expect(formatForecastsTable(weeks)).toContain('rank IC (Spearman of forecast vs realised across symbols, each week with >= 3 symbols): mean 0.7500, t-stat 3.00, over 2 week(s)');
  });

  it('has no t-statistic from a single week', () => {
    const one = weeklyRankIc(weeks.filter((r) => r.weekStart === '2020-01-13'));
    expect(one).toMatchObject({ weeks: 1, tStat: null });
    expect(one.mean).toBeCloseTo(0.5, 12);
    expect(formatForecastsTable(weeks.filter((r) => r.weekStart === '2020-01-13'))).toContain('mean 0.5000, t-stat n/a, over 1 week(s)');
  });
});
