/**
 * The Version page's charts, each made of series stored in metadata.json: per-epoch losses of a
 * forecaster, per-update curves of an agent, the agent's evaluation equity beside equal weight,
 * its drawdown and its weekly weights, and the walk-forward rank IC per snapshot year beside the
 * price rankings'. Only the drawdown is derived, from the stored equity, by the function
 * eval_max_drawdown is the largest value of (models/agents/portfolio-metrics.ts drawdowns), and the
 * IC's interval, from its stored mean and t-stat.
 */
import { weekSeconds, type ChartSpec } from './chart.ts';
import { drawdowns } from '../models/agents/portfolio-metrics.ts';
import type { RankBaselineName } from '../snapshots/rank-baselines.ts';
import type { WalkForwardScore, WalkForwardYear } from '../snapshots/walk-forward-score.ts';
import { normalQuantile } from '../stats/distributions.ts';
import { intervalChart } from './interval-chart.ts';
import type { Metadata } from './read-kind.ts';

type Row = Record<string, unknown>;

const numbers = (rows: Row[], key: string): (number | null)[] => rows.map((r) => (typeof r[key] === 'number' ? (r[key] as number) : null));
const present = (rows: Row[], key: string) => rows.some((r) => typeof r[key] === 'number');

/** Train and validation loss per epoch, with the validation weeks' two baselines as flat lines. */
export function forecasterTrainingChart(metadata: Metadata): ChartSpec | undefined {
  const history = Array.isArray(metadata.history) ? (metadata.history as Row[]) : [];
  if (history.length === 0) return undefined;
  const metrics = (metadata.metrics ?? {}) as Row;
  const flat = (key: string) => history.map(() => (typeof metrics[key] === 'number' ? (metrics[key] as number) : null));
  return {
    id: 'loss',
    title: 'Loss per epoch (MSE of weekly returns)',
    x: numbers(history, 'epoch').map((e, i) => e ?? i + 1),
    xLabel: 'epoch',
    series: [
      { label: 'train loss', values: numbers(history, 'trainLoss') },
      { label: 'validation loss', values: numbers(history, 'valLoss') },
      { label: 'validation: always zero', values: flat('baseline_loss') },
      { label: 'validation: mean target', values: flat('mean_baseline_loss') },
    ],
  };
}

/** Per-update curves of an agent (PPO or SAC names, whichever are stored), x = environment steps. */
export function agentTrainingCharts(metadata: Metadata): ChartSpec[] {
  const training = (metadata.training ?? {}) as { updates?: Row[]; history?: Row[] };
  const updates = training.updates ?? training.history ?? [];
  if (updates.length === 0) return [];
  const x = numbers(updates, 'global_step').map((step, i) => step ?? i + 1);
  const chart = (id: string, title: string, keys: [string, string][]): ChartSpec | undefined => {
    const series = keys.filter(([key]) => present(updates, key)).map(([key, label]) => ({ label, values: numbers(updates, key) }));
    return series.length > 0 ? { id, title, x, xLabel: 'environment steps', series } : undefined;
  };
  return [
    chart('losses', 'Losses per update', [['policy_loss', 'policy loss'], ['value_loss', 'value loss'], ['actor_loss', 'actor loss'], ['critic_loss', 'critic loss']]),
    chart('episode-return', 'Episode return per update', [['mean_episode_return', 'mean episode return'], ['episode_return', 'episode return']]),
    chart('entropy', 'Policy entropy per update', [['entropy', 'entropy']]),
  ].filter((c): c is ChartSpec => c !== undefined);
}

interface Evaluation {
  weeks: string[];
  agent_equity: number[];
  benchmark_equity: number[];
  /** The inverse-volatility benchmark's, in runs that report it. */
  inverse_vol_equity?: number[];
  agent_weights: number[][];
}

/** The benchmarks' curves that are stored: equal weight always, inverse volatility when present. */
function benchmarks(e: Evaluation, transform: (equity: number[]) => (number | null)[]): { label: string; values: (number | null)[] }[] {
  return [
    { label: 'equal weight', values: transform(e.benchmark_equity) },
    ...(Array.isArray(e.inverse_vol_equity) && e.inverse_vol_equity.length === e.weeks.length ? [{ label: 'inverse volatility', values: transform(e.inverse_vol_equity) }] : []),
  ];
}

function evaluationOf(metadata: Metadata): Evaluation | undefined {
  const e = metadata.evaluation as Partial<Evaluation> | undefined;
  return e && Array.isArray(e.weeks) && Array.isArray(e.agent_equity) && Array.isArray(e.benchmark_equity) ? (e as Evaluation) : undefined;
}

export function equityChart(metadata: Metadata): ChartSpec | undefined {
  const e = evaluationOf(metadata);
  if (!e) return undefined;
  return {
    id: 'equity',
    title: 'Evaluation equity (from 1, after costs)',
    x: e.weeks.map(weekSeconds),
    xLabel: 'week',
    time: true,
    series: [{ label: 'agent', values: e.agent_equity }, ...benchmarks(e, (equity) => equity)],
  };
}

export function drawdownChart(metadata: Metadata): ChartSpec | undefined {
  const e = evaluationOf(metadata);
  if (!e) return undefined;
  return {
    id: 'drawdown',
    title: 'Drawdown (fall from the running peak)',
    x: e.weeks.map(weekSeconds),
    xLabel: 'week',
    time: true,
    percent: true,
    series: [{ label: 'agent', values: drawdowns(e.agent_equity) }, ...benchmarks(e, drawdowns)],
  };
}

/** The target weights set each week: one band per symbol (symbols_used, in order), then cash. */
export function weightsChart(metadata: Metadata): ChartSpec | undefined {
  const e = evaluationOf(metadata);
  if (!e || !Array.isArray(e.agent_weights) || e.agent_weights.length === 0) return undefined;
  const symbols = (Array.isArray(metadata.symbols_used) ? metadata.symbols_used : metadata.symbols) as string[] | undefined;
  const width = e.agent_weights[0].length;
  const labels = Array.from({ length: width }, (_, i) => (i === width - 1 ? 'cash' : (symbols?.[i] ?? `asset ${i + 1}`)));
  return {
    id: 'weights',
    title: 'Weekly target weights (stacked)',
    x: e.weeks.map(weekSeconds),
    xLabel: 'week',
    time: true,
    stacked: true,
    percent: true,
    series: labels.map((label, i) => ({ label, values: e.agent_weights.map((w) => w[i]) })),
  };
}

const RANK_BASELINE_LABELS: Record<RankBaselineName, string> = { momentum_12_1: '12-1 momentum', reversal_1w: '1-week reversal' };

/**
 * The walk-forward rank IC per snapshot year (x: the year's first week) with its 90 % interval
 * (mean ± 1.645 standard errors, the standard error being mean / t as stored), beside the two price
 * rankings' IC on the same weeks. Undefined with fewer than one year of weeks.
 */
export function walkForwardIcChart(score: WalkForwardScore): ChartSpec | undefined {
  const years = score.years.filter((y) => y.first_week !== null && y.rank_ic_mean !== null);
  if (years.length === 0) return undefined;
  const z = normalQuantile(0.95);
  const se = (y: WalkForwardYear) => (y.rank_ic_t !== null && y.rank_ic_t !== 0 ? Math.abs((y.rank_ic_mean as number) / y.rank_ic_t) : null);
  const names = Object.keys(score.total.baselines ?? {}) as RankBaselineName[];
  return intervalChart({
    id: 'walk-forward-ic',
    title: `Walk-forward rank IC per snapshot year${names.length > 0 ? `, beside ${names.map((n) => RANK_BASELINE_LABELS[n]).join(' and ')}` : ''}`,
    x: years.map((y) => weekSeconds(y.first_week as string)),
    xLabel: 'first week',
    time: true,
    metric: {
      label: 'model rank IC',
      values: years.map((y) => y.rank_ic_mean),
      low: years.map((y) => (se(y) === null ? null : (y.rank_ic_mean as number) - z * (se(y) as number))),
      high: years.map((y) => (se(y) === null ? null : (y.rank_ic_mean as number) + z * (se(y) as number))),
      bandLabel: '90 % interval',
    },
    baselines: names.map((name) => ({ label: RANK_BASELINE_LABELS[name], values: years.map((y) => y.baselines?.[name]?.rank_ic_mean ?? null) })),
  });
}
