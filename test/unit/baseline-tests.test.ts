/**
 * The forecasters' Diebold–Mariano tests against the zero and the training-mean forecasts: losses
 * averaged over each week's symbols first, then the test on the weekly differential.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/ml/random.ts';
import { baselineTests, weeklyLosses, type TestSample } from '../../src/models/forecasters/shared/baseline-tests.ts';
import { dieboldMariano } from '../../src/stats/diebold-mariano.ts';

const WEEKS = ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29'];

describe('baselineTests', () => {
  it('averages squared errors over each week\'s symbols, then tests the model against zero and the training mean on those weeks', () => {
    // Prepare: two symbols a week, weeks given out of order
    const actual = [0.01, -0.02, 0.03, 0.0, -0.01, 0.02, 0.015, -0.005, 0.04, -0.03];
    const samples: TestSample[] = actual.map((a, i) => ({ symbol: i % 2 ? 'B' : 'A', week: WEEKS[(Math.floor(i / 2) * 3) % 5], actual: a }));
    const predictions = actual.map((a, i) => a * 0.5 + (i % 3) * 0.001);
    const trainMean = 0.002;
    // Act
    const tests = baselineTests(samples, predictions, trainMean);
    // Assess: our own weekly losses, in date order
    const byWeek = WEEKS.map((w) => samples.map((s, i) => ({ s, i })).filter(({ s }) => s.week === w));
    const weekly = (f: (i: number) => number) => byWeek.map((rows) => rows.reduce((sum, { s, i }) => sum + (f(i) - s.actual) ** 2, 0) / rows.length);
    const model = weekly((i) => predictions[i]);
    expect(weeklyLosses(samples, [predictions])[0]).toEqual(model.map((v) => expect.closeTo(v, 15)));
    const vsZero = dieboldMariano(model, weekly(() => 0));
    const vsMean = dieboldMariano(model, weekly(() => trainMean));
    expect(tests).toEqual({
      dm_vs_zero: { method: 'diebold_mariano_hln', against: 'zero', statistic: expect.closeTo(vsZero.statistic, 12), p_value: expect.closeTo(vsZero.pValue, 12), weeks: 5 },
      dm_vs_mean: { method: 'diebold_mariano_hln', against: 'mean', statistic: expect.closeTo(vsMean.statistic, 12), p_value: expect.closeTo(vsMean.pValue, 12), weeks: 5 },
    });
  });

  it('finds a model that knows part of the outcome significantly better, and a noisy one not better', () => {
    // Prepare: 60 weeks of 10 symbols, returns with a 0.4 % drift
    const rng = mulberry32(42);
    const samples: TestSample[] = [];
    for (let w = 0; w < 60; w++) for (let s = 0; s < 10; s++) samples.push({ symbol: `S${s}`, week: `w${String(w).padStart(3, '0')}`, actual: 0.004 + (rng() - 0.5) * 0.08 });
    const informed = samples.map((s) => 0.5 * s.actual);
    const noisy = samples.map(() => (rng() - 0.5) * 0.08);
    // Act
    const good = baselineTests(samples, informed, 0.004);
    const bad = baselineTests(samples, noisy, 0.004);
    // Assess
    expect(good.dm_vs_zero.statistic!).toBeLessThan(-3);
    expect(good.dm_vs_zero.p_value!).toBeLessThan(0.01);
    expect(good.dm_vs_mean.p_value!).toBeLessThan(0.01);
    expect(bad.dm_vs_mean.statistic!).toBeGreaterThan(0);
    expect(bad.dm_vs_mean.p_value!).toBeGreaterThan(0.5);
    expect(good.dm_vs_zero.weeks).toBe(60);
  });

  it('says null, not a number, with fewer than 3 weeks, and refuses predictions that are not one per sample', () => {
    const samples: TestSample[] = [
      { symbol: 'A', week: WEEKS[0], actual: 0.01 },
      { symbol: 'A', week: WEEKS[1], actual: -0.01 },
    ];
    expect(baselineTests(samples, [0, 0], 0).dm_vs_zero).toEqual({ method: 'diebold_mariano_hln', against: 'zero', statistic: null, p_value: null, weeks: 2 });
    expect(() => baselineTests(samples, [0], 0)).toThrow(/1 predictions for 2 samples/);
  });
});
