import { describe, expect, it } from 'vitest';
import type { QuarterlyStatement } from '../../src/data/statement-types.ts';
import { fundamentalRatios, statementRatios } from '../../src/features/fundamental-ratios.ts';
import { FUNDAMENTAL_RATIOS } from '../../src/ports/signals.ts';

function statement(over: Partial<QuarterlyStatement>): QuarterlyStatement {
  return {
    symbol: 'XYZ',
    fiscalPeriod: '2020Q1',
    periodEnd: '2020-03-31',
    published: '2020-05-01',
    publishedEstimated: false,
    revenue: 100,
    grossProfit: 50,
    operatingIncome: 20,
    netIncome: 10,
    totalCurrentAssets: 30,
    totalCurrentLiabilities: 15,
    totalDebt: 40,
    totalEquity: 80,
    ...over,
  };
}

/** Column of one ratio over all dates. */
function column(values: Float64Array, ratio: (typeof FUNDAMENTAL_RATIOS)[number]): number[] {
  const r = FUNDAMENTAL_RATIOS.indexOf(ratio);
  return Array.from({ length: values.length / FUNDAMENTAL_RATIOS.length }, (_, d) => values[d * FUNDAMENTAL_RATIOS.length + r]);
}

describe('fundamentalRatios: point in time', () => {
  const dates = ['2020-04-30', '2020-05-01', '2020-05-04', '2020-07-31', '2020-08-03'];
  const q1 = statement({});
  const q2 = statement({ fiscalPeriod: '2020Q2', periodEnd: '2020-06-30', published: '2020-08-03', grossProfit: 60 });

  it('is NaN before the first filing, visible on its publish date (not the day before), carried until the next', () => {
    // Act
    const values = fundamentalRatios([q2, q1], dates);
    // Assess
    expect(column(values, 'gross_margin')).toEqual([NaN, 0.5, 0.5, 0.5, 0.6]);
    expect(Array.from(values.subarray(5, 10))).toEqual([0.5, 0.2, 0.1, 2, 0.5]);
  });

  it('joins on the publish date, not the period end: a filing whose period ended before d but published after d is invisible on d', () => {
    // Prepare: Q2's period ends 2020-06-30, before 2020-07-31, but it was filed on 2020-08-03.
    const base = fundamentalRatios([q1, q2], dates);
    const changedLater = fundamentalRatios([q1, { ...q2, grossProfit: 99, totalDebt: 1000 }], dates);
    // Assess: the rows up to 2020-07-31 (index 3) are identical; the filing day differs
    expect(Array.from(changedLater.subarray(0, 4 * 5))).toEqual(Array.from(base.subarray(0, 4 * 5)));
    expect(column(changedLater, 'gross_margin')[4]).toBe(0.99);
  });

  it('carries the previous valid value over a filing with a missing or invalid field', () => {
    // Prepare: Q2 has no gross profit, zero current liabilities and no debt line
    const q2Broken = { ...q2, grossProfit: null, totalCurrentLiabilities: 0, totalDebt: null };
    // Act
    const values = fundamentalRatios([q1, q2Broken], dates);
    // Assess
    expect(column(values, 'gross_margin')[4]).toBe(0.5);
    expect(column(values, 'current_ratio')[4]).toBe(2);
    expect(column(values, 'debt_to_equity')[4]).toBe(0.5);
    expect(column(values, 'operating_margin')[4]).toBe(0.2); // valid fields of the same filing still update
  });

  it('uses quarterly rows for margins and an FY row only for a year without quarters; FY balance sheets count', () => {
    // Prepare: FY2019 (no 2019 quarters) then 2020Q1; FY2020 shares its year with 2020Q1
    const fy2019 = statement({ fiscalPeriod: 'FY2019', periodEnd: '2019-12-31', published: '2020-02-20', grossProfit: 30 });
    const fy2020 = statement({ fiscalPeriod: 'FY2020', periodEnd: '2020-12-31', published: '2021-02-20', grossProfit: 90, totalDebt: 8 });
    const days = ['2020-02-20', '2020-05-01', '2021-02-22'];
    // Act
    const values = fundamentalRatios([fy2020, q1, fy2019], days);
    // Assess
    expect(column(values, 'gross_margin')).toEqual([0.3, 0.5, 0.5]);
    expect(column(values, 'debt_to_equity')).toEqual([0.5, 0.5, 0.1]);
  });

  it('throws on unsorted dates or mixed symbols', () => {
    expect(() => fundamentalRatios([q1], ['2020-05-02', '2020-05-01'])).toThrow(/strictly ascending/);
    expect(() => fundamentalRatios([q1, { ...q2, symbol: 'ABC' }], dates)).toThrow(/one symbol/);
  });
});

describe('statementRatios: invalid values and clipping', () => {
  it('clips margins to [-2, 2] and the current ratio and debt to equity to [0, 20]', () => {
    const r = statementRatios(statement({ revenue: 10, grossProfit: -30, operatingIncome: 50, netIncome: -25, totalCurrentAssets: 500, totalCurrentLiabilities: 1, totalDebt: 173, totalEquity: 1 }));
    expect(r).toEqual({ gross_margin: -2, operating_margin: 2, net_margin: -2, current_ratio: 20, debt_to_equity: 20 });
  });

  it('gives the D/E ceiling for negative equity with debt, 0 without debt; no margins without revenue', () => {
    expect(statementRatios(statement({ totalEquity: -5 })).debt_to_equity).toBe(20);
    expect(statementRatios(statement({ totalEquity: -5, totalDebt: 0 })).debt_to_equity).toBe(0);
    expect(statementRatios(statement({ revenue: 0 }))).toMatchObject({ gross_margin: null, operating_margin: null, net_margin: null });
    expect(statementRatios(statement({ totalEquity: null })).debt_to_equity).toBeNull();
  });
});
