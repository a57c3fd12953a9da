/**
 * Is a forecaster's test loss below its baselines' by more than chance? A Diebold–Mariano test
 * (HLN-corrected, Newey–West variance) of the model against the zero forecast and against the
 * training mean, on the test weeks. Each week's loss is the squared error averaged over that week's
 * symbols: symbols move together, so a (symbol, week) is not an independent observation, a week is
 * closer to one. The statistic is negative when the model is more accurate; the p-value is
 * one-sided (the chance of a statistic this low were the two equally accurate).
 */
import { dieboldMariano } from '../../../stats/diebold-mariano.ts';

/** One test sample: whose, which week (the Monday the split uses), and its realised return. */
export interface TestSample {
  symbol: string;
  week: string;
  actual: number;
}

export interface BaselineTest {
  method: 'diebold_mariano_hln';
  against: 'zero' | 'mean';
  /** Null (and so the p-value) with fewer than 3 weeks: too few for the test. */
  statistic: number | null;
  p_value: number | null;
  weeks: number;
}

export interface BaselineTests {
  dm_vs_zero: BaselineTest;
  dm_vs_mean: BaselineTest;
}

/**
 * The model's predictions (one per sample, in the samples' order) against the zero forecast and the
 * constant `trainMean` (the training targets' mean, the mean baseline's value), on the same weeks.
 */
export function baselineTests(samples: readonly TestSample[], predictions: ArrayLike<number>, trainMean: number): BaselineTests {
  if (predictions.length !== samples.length) throw new Error(`baseline tests: ${predictions.length} predictions for ${samples.length} samples`);
  const losses = weeklyLosses(samples, [predictions, () => 0, () => trainMean]);
  const [model, zero, mean] = losses;
  return { dm_vs_zero: test('zero', model, zero), dm_vs_mean: test('mean', model, mean) };
}

type Forecast = ArrayLike<number> | ((i: number) => number);

/** Per forecast, the mean squared error of each week (weeks in date order). */
export function weeklyLosses(samples: readonly TestSample[], forecasts: readonly Forecast[]): number[][] {
  const weeks = new Map<string, { sums: number[]; count: number }>();
  samples.forEach((sample, i) => {
    let week = weeks.get(sample.week);
    if (!week) weeks.set(sample.week, (week = { sums: forecasts.map(() => 0), count: 0 }));
    forecasts.forEach((f, k) => {
      const value = typeof f === 'function' ? f(i) : f[i];
      week.sums[k] += (value - sample.actual) ** 2;
    });
    week.count++;
  });
  const ordered = [...weeks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, w]) => w);
  return forecasts.map((_, k) => ordered.map((w) => w.sums[k] / w.count));
}

function test(against: BaselineTest['against'], model: number[], baseline: number[]): BaselineTest {
  const weeks = model.length;
  if (weeks < 3) return { method: 'diebold_mariano_hln', against, statistic: null, p_value: null, weeks };
  const dm = dieboldMariano(model, baseline);
  // JSON has no Infinity: identical-but-shifted losses (no variance) have no finite statistic.
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return { method: 'diebold_mariano_hln', against, statistic: finite(dm.statistic), p_value: finite(dm.pValue), weeks };
}
