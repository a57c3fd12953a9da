/**
 * The Models page's chart per kind: each version's headline metric (in claim order) with its
 * interval, beside its baselines on the same weeks: a forecaster's test loss beside the zero and
 * mean-target forecasts, an agent's evaluation Sharpe beside equal weight (and inverse volatility).
 * The band is the stored interval when there is one, else the spread of the run's seeds (min … max).
 */
import { levelText, uncertaintyOf } from '../pipeline/metric-uncertainty.ts';
import type { ChartSpec } from './chart.ts';
import { intervalChart } from './interval-chart.ts';
import type { VersionRow } from './read-kind.ts';

interface Headline {
  id: string;
  title: string;
  metric: [key: string, label: string];
  baselines: [key: string, label: string][];
}

const FORECASTER: Headline = {
  id: 'versions-test-loss',
  title: 'Test loss per version (MSE of weekly returns) beside its baselines on the same weeks',
  metric: ['test_loss', 'test loss'],
  baselines: [
    ['test_baseline_loss', 'always zero'],
    ['test_mean_baseline_loss', 'mean target'],
  ],
};

const AGENT: Headline = {
  id: 'versions-sharpe',
  title: 'Evaluation Sharpe per version beside its benchmarks on the same weeks',
  metric: ['eval_sharpe', 'agent Sharpe'],
  baselines: [
    ['benchmark_sharpe', 'equal weight'],
    ['inverse_vol_sharpe', 'inverse volatility'],
  ],
};

/** Undefined when no version has the metric yet. The id names the kind: the Models page shows every kind's. */
export function versionsChart(kind: string, rows: readonly VersionRow[], forecaster: boolean): ChartSpec | undefined {
  const spec = forecaster ? FORECASTER : AGENT;
  const scored = rows
    .map((row) => ({ row, metrics: (row.metadata?.metrics ?? row.view.metrics ?? {}) as Record<string, unknown> }))
    .filter(({ metrics }) => typeof metrics[spec.metric[0]] === 'number')
    .sort((a, b) => a.row.view.claimed_at.localeCompare(b.row.view.claimed_at));
  if (scored.length === 0) return undefined;
  const value = (metrics: Record<string, unknown>, key: string) => (typeof metrics[key] === 'number' ? (metrics[key] as number) : null);
  const bands = scored.map(({ row }) => bandOf(uncertaintyOf(row.metadata), spec.metric[0]));
  const labels = [...new Set(bands.filter((b) => b !== null).map((b) => b.label))];
  return intervalChart({
    id: `${spec.id}-${kind}`,
    title: spec.title,
    x: scored.map(({ row }) => Date.parse(row.view.claimed_at) / 1000),
    xLabel: 'trained',
    time: true,
    metric: { label: spec.metric[1], values: scored.map(({ metrics }) => value(metrics, spec.metric[0])), low: bands.map((b) => b?.low ?? null), high: bands.map((b) => b?.high ?? null), bandLabel: labels.join(' / ') },
    baselines: spec.baselines.map(([key, label]) => ({ label, values: scored.map(({ metrics }) => value(metrics, key)) })),
  });
}

function bandOf(u: ReturnType<typeof uncertaintyOf>, metric: string): { low: number; high: number; label: string } | null {
  const interval = u.intervals[metric];
  if (interval) return { low: interval.low, high: interval.high, label: `${levelText(interval.level)} interval` };
  const spread = u.spread[metric];
  if (spread && spread.n > 1) return { low: spread.min, high: spread.max, label: 'seeds min … max' };
  return null;
}
