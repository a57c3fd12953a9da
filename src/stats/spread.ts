/**
 * The spread of a metric across the seeds of a run (metadata `metric_spread`): the seeds' mean, their
 * sample standard deviation (n − 1; 0 for a single seed), min and max. The metric's own value stays
 * the stored model's (a forecaster's ensemble, an agent's chosen seed), which need not equal the mean.
 */
export interface Spread {
  mean: number;
  std: number;
  min: number;
  max: number;
  n: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) throw new Error('the spread of no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, min: Math.min(...values), max: Math.max(...values), n };
}

/** Per metric, its spread over the runs (one record of metrics per seed); only the metrics every run has. */
export function metricSpread(runs: readonly Readonly<Record<string, number>>[]): Record<string, Spread> {
  if (runs.length === 0) throw new Error('the spread of no runs');
  const spread: Record<string, Spread> = {};
  for (const name of Object.keys(runs[0])) {
    const values = runs.map((r) => r[name]);
    if (values.every((v) => typeof v === 'number' && Number.isFinite(v))) spread[name] = spreadOf(values);
  }
  return spread;
}
