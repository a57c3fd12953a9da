import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.ts';
import { formatForecastsCsv, formatForecastsTable } from '../../src/snapshots/format-forecasts.ts';
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
  });

  it('says so when there is nothing to show', () => {
    expect(formatForecastsTable([])).toBe('no forecasts: no complete week in the range\n');
  });
});
