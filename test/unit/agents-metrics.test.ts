import { describe, expect, it } from 'vitest';
import { cagr, episodeSharpe, maxDrawdown, pathMetrics, sharpe } from '../../src/models/agents/portfolio-metrics.ts';

describe('portfolio metrics', () => {
  it('computes Sharpe as mean / sample std × √52 (risk-free 0)', () => {
    // Prepare: mean 0.01; deviations 0, 0.02, −0.03, 0.01 → Σ squares 0.0014 over n − 1 = 3.
    const returns = [0.01, 0.03, -0.02, 0.02];
    // Act & Assess
    expect(sharpe(returns)).toBeCloseTo((0.01 / Math.sqrt(0.0014 / 3)) * Math.sqrt(52), 10);
    expect(sharpe(returns.map((r) => -r))).toBeCloseTo(-sharpe(returns), 12);
  });

  it('gives a Sharpe of 0 when it is undefined: a flat path or fewer than two weeks', () => {
    expect(sharpe([0.01, 0.01, 0.01])).toBe(0);
    expect(sharpe([0.05])).toBe(0);
    expect(sharpe([])).toBe(0);
  });

  it('computes CAGR as final^(52/weeks) − 1', () => {
    expect(cagr([1.05, 1.1], 26)).toBeCloseTo(0.21, 12); // half a year at +10 % → 1.1² − 1
    expect(cagr([1.1, 1.21], 104)).toBeCloseTo(0.1, 12); // two years at 1.21 → +10 % a year
    expect(cagr([0.9, 0.81], 104)).toBeCloseTo(-0.1, 12);
    expect(cagr([], 0)).toBe(0);
  });

  it('computes the max drawdown as a positive fraction, counting the initial capital 1 as a peak', () => {
    // Weekly returns +10 %, −20 %, +5 %, +10 % → peak 1.1, trough 0.88: −20 %.
    expect(maxDrawdown([1.1, 0.88, 0.924, 1.0164])).toBeCloseTo(0.2, 12);
    // Falls straight from the initial 1: 1 → 0.8 is −20 % even though no point reached 1.
    expect(maxDrawdown([0.8, 0.9])).toBeCloseTo(0.2, 12);
    // A later, deeper fall from a higher peak wins: 1.2 → 0.6.
    expect(maxDrawdown([0.9, 0.95, 1.2, 0.6])).toBeCloseTo(0.5, 12);
    expect(maxDrawdown([1.01, 1.02, 1.03])).toBe(0);
  });

  it('reads an episode Sharpe from log-return rewards', () => {
    const returns = [0.01, 0.03, -0.02, 0.02];
    expect(episodeSharpe(returns.map(Math.log1p))).toBeCloseTo(sharpe(returns), 12);
  });
});

describe('pathMetrics over a gap in the panel', () => {
  it("annualises the CAGR over the calendar weeks of the path's Mondays, the skipped ones included", () => {
    const equity = [1.01, 1.02];
    const withGap = pathMetrics('eval', { weeklyReturns: [0.01, 0.0099], equity, weeks: ['2022-02-07', '2022-02-21'] });
    const consecutive = pathMetrics('eval', { weeklyReturns: [0.01, 0.0099], equity, weeks: ['2022-02-07', '2022-02-14'] });
    expect(withGap.eval_cagr).toBeCloseTo(1.02 ** (52 / 3) - 1, 12);
    expect(consecutive.eval_cagr).toBeCloseTo(1.02 ** (52 / 2) - 1, 12);
    expect(pathMetrics('eval', { weeklyReturns: [0.01, 0.0099], equity }).eval_cagr).toBe(consecutive.eval_cagr);
  });
});
