/**
 * The uncertainty a version's metadata.json may carry beside its metrics (issue 19), read
 * defensively (older versions have none of it, and a reader never fails on them), and said in the
 * same words by the model card and the dashboard:
 * - `metric_spread`: per metric, its spread across the run's seeds (mean, std, min, max, n);
 * - `intervals`: per metric, an interval at a level (an agent's evaluation Sharpe, 90 %);
 * - `tests`: named tests of the model against a baseline (Diebold–Mariano against the zero and the
 *   mean forecasts, the Sharpe difference against equal weight), each with its one-sided p-value.
 */

export interface MetricSpread {
  mean: number;
  std: number;
  min: number;
  max: number;
  n: number;
}

export interface MetricInterval {
  level: number;
  low: number;
  high: number;
}

export interface MetricTest {
  method: string;
  against: string;
  statistic: number | null;
  p_value: number | null;
  /** The Sharpe tests: the model's annualised Sharpe minus the baseline's. */
  difference?: number;
  /** A count, or the weeks as a promotion record names them. */
  weeks: number | { count: number; first?: string; last?: string } | null;
}

export interface Uncertainty {
  spread: Record<string, MetricSpread>;
  intervals: Record<string, MetricInterval>;
  tests: Record<string, MetricTest>;
}

type Format = (value: number) => string;

export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumOrNull = (v: unknown): v is number | null => v === null || isNum(v);
const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Only the entries of the expected shape: a malformed one is left out, never shown as a number it is not. */
function entries<T>(value: unknown, valid: (v: Record<string, unknown>) => boolean): Record<string, T> {
  return Object.fromEntries(Object.entries(record(value)).filter(([, v]) => valid(record(v)))) as Record<string, T>;
}

/** A spread worth showing: several seeds that did not all agree (a baseline's loss does not depend on the seed). */
export function varies(s: MetricSpread): boolean {
  return s.n > 1 && s.max > s.min;
}

export function uncertaintyOf(metadata: Record<string, unknown> | null | undefined): Uncertainty {
  const m = metadata ?? {};
  return {
    spread: entries<MetricSpread>(m.metric_spread, (s) => isNum(s.mean) && isNum(s.std) && isNum(s.min) && isNum(s.max) && isNum(s.n)),
    intervals: entries<MetricInterval>(m.intervals, (i) => isNum(i.level) && isNum(i.low) && isNum(i.high)),
    tests: entries<MetricTest>(m.tests, (t) => typeof t.method === 'string' && isNumOrNull(t.statistic) && isNumOrNull(t.p_value)),
  };
}

/** "0.00283 ± 2e-05 (0.0028 … 0.00286, 5 seeds)" */
export function spreadText(s: MetricSpread, fmt: Format): string {
  return `${fmt(s.mean)} ± ${fmt(s.std)} (${fmt(s.min)} … ${fmt(s.max)}, ${s.n} seed${s.n === 1 ? '' : 's'})`;
}

/** "90 % interval 0.61 … 2.05" */
export function intervalText(i: MetricInterval, fmt: Format): string {
  return `${levelText(i.level)} interval ${fmt(i.low)} … ${fmt(i.high)}`;
}

export function levelText(level: number): string {
  return `${Number((level * 100).toPrecision(3))} %`;
}

const METHODS: Record<string, string> = {
  diebold_mariano_hln: 'Diebold–Mariano (HLN), weekly loss',
  diebold_mariano: 'Diebold–Mariano, weekly loss',
  sharpe_difference_memmel: 'Sharpe difference (Jobson–Korkie, Memmel)',
  jobson_korkie_memmel: 'Sharpe difference (Jobson–Korkie, Memmel)',
  sharpe_difference: 'Sharpe difference (Jobson–Korkie, Memmel)',
};

const AGAINST: Record<string, string> = {
  zero: 'the zero forecast',
  mean: 'the training-mean forecast',
  equal_weight: 'equal weight',
  inverse_vol: 'inverse volatility',
  inverse_volatility: 'inverse volatility',
};

export function methodText(method: string): string {
  return METHODS[method] ?? method.replaceAll('_', ' ');
}

export function againstText(against: string): string {
  return AGAINST[against] ?? against.replaceAll('_', ' ');
}

export function weeksOf(t: MetricTest): number | null {
  const w = t.weeks;
  if (isNum(w)) return w;
  const count = record(w).count;
  return isNum(count) ? count : null;
}

/**
 * "Diebold–Mariano (HLN), weekly loss against the zero forecast: statistic -1.23, one-sided p 0.11
 * (150 weeks)". The p-value is the chance of a result this favourable to the model were it no better.
 */
export function testText(t: MetricTest, fmt: Format): string {
  const weeks = weeksOf(t);
  const stat = t.statistic === null ? 'n/a' : fmt(t.statistic);
  const p = t.p_value === null ? 'n/a (too few weeks)' : fmt(t.p_value);
  const difference = isNum(t.difference) ? `difference ${fmt(t.difference)}, ` : '';
  return `${methodText(t.method)} against ${againstText(t.against)}: ${difference}statistic ${stat}, one-sided p ${p}${weeks === null ? '' : ` (${weeks} weeks)`}`;
}
