/** Metadata as versions store it before and after issue 19, shared by the display and model card tests. */
import { expect } from 'vitest';
import type { Metadata } from '../../src/dashboard/read-kind.ts';
import type { WalkForwardScore, WalkForwardScoreLine } from '../../src/snapshots/walk-forward-score.ts';

const FORECASTER_METRICS = { train_loss: 0.0021, val_loss: 0.0027, baseline_loss: 0.00275, mean_baseline_loss: 0.00272, test_loss: 0.0031, test_baseline_loss: 0.00312, test_mean_baseline_loss: 0.00309 };

export const oldForecaster: Metadata = { kind: 'lstm', version: 'v2026.08.14-aaaaaaaaaaaa', mode: 'full', profile: 'local', window: { start: '2011-01-01', end: '2026-08-14' }, symbols: ['AAPL', 'MSFT'], metrics: FORECASTER_METRICS, test_vs_baselines: 'beats zero (-0.64 %), does not beat mean (0.32 %)', config: {}, files: {} };

export const newForecaster: Metadata = {
  ...oldForecaster,
  version: 'v2026.08.14-bbbbbbbbbbbb',
  metric_spread: {
    test_loss: { mean: 0.00312, std: 0.00002, min: 0.0031, max: 0.00315, n: 5 },
    val_loss: { mean: 0.00271, std: 0.00001, min: 0.0027, max: 0.00273, n: 5 },
    test_baseline_loss: { mean: 0.00312, std: 0, min: 0.00312, max: 0.00312, n: 5 },
  },
  seeds: { count: 5, combine: 'mean', members: [] },
  tests: {
    dm_vs_zero: { method: 'diebold_mariano_hln', against: 'zero', statistic: -1.42, p_value: 0.079, weeks: 118 },
    dm_vs_mean: { method: 'diebold_mariano_hln', against: 'mean', statistic: 0.31, p_value: 0.62, weeks: 118 },
  },
};

const AGENT_METRICS = { eval_sharpe: 1.33, eval_cagr: 0.21, eval_max_drawdown: 0.18, benchmark_sharpe: 1.46, benchmark_cagr: 0.23, benchmark_max_drawdown: 0.2, timesteps: 1000 };

export const oldAgent: Metadata = { kind: 'ppo_lstm', version: 'v2026.08.14-cccccccccccc', mode: 'full', profile: 'local', metrics: AGENT_METRICS, symbols_used: ['AAPL', 'MSFT'], config: {}, files: {} };

export const newAgent: Metadata = {
  ...oldAgent,
  version: 'v2026.08.14-dddddddddddd',
  metrics: { ...AGENT_METRICS, train_sharpe: 3.1, val_sharpe: 0.9, inverse_vol_sharpe: 1.51, inverse_vol_cagr: 0.22, inverse_vol_max_drawdown: 0.17 },
  intervals: { eval_sharpe: { level: 0.9, low: 0.21, high: 2.45 } },
  metric_spread: { eval_sharpe: { mean: 1.2, std: 0.3, min: 0.8, max: 1.6, n: 5 } },
  tests: {
    sharpe_vs_equal_weight: { method: 'jobson_korkie_memmel', against: 'equal_weight', difference: -0.13, statistic: -0.4, p_value: 0.66, weeks: 111 },
    sharpe_vs_inverse_volatility: { method: 'jobson_korkie_memmel', against: 'inverse_volatility', difference: -0.18, statistic: -0.5, p_value: 0.69, weeks: 111 },
  },
  evaluation: { weeks: ['2024-01-01', '2024-01-08', '2024-01-15'], agent_equity: [1.01, 1.0, 1.03], benchmark_equity: [1.0, 1.02, 1.01], inverse_vol_equity: [1.0, 0.98, 1.02], agent_weights: [[0.5, 0.4, 0.1], [0.5, 0.4, 0.1], [0.5, 0.4, 0.1]] },
};

const line = (ic: number, t: number, weeks: number, first: string, last: string, baselines?: WalkForwardScoreLine['baselines']): WalkForwardScoreLine => ({
  weeks,
  first_week: first,
  last_week: last,
  forecasts: weeks * 15,
  hits: weeks * 8,
  hit_rate: 8 / 15,
  always_up_rate: 0.56,
  rank_ic_mean: ic,
  rank_ic_t: t,
  rank_ic_weeks: weeks,
  ...(baselines ? { baselines } : {}),
});

const bl = (m: number, r: number): WalkForwardScoreLine['baselines'] => ({
  momentum_12_1: { rank_ic_mean: m, rank_ic_t: 0.5, rank_ic_weeks: 52, model_minus_baseline: 0.01, model_minus_baseline_t: 0.4 },
  reversal_1w: { rank_ic_mean: r, rank_ic_t: 1.1, rank_ic_weeks: 52, model_minus_baseline: -0.005, model_minus_baseline_t: -0.2 },
});

export const score: WalkForwardScore = {
  kind: 'lstm',
  version: 'v2026.08.14-bbbbbbbbbbbb',
  from: '2021-01-04',
  to: '2022-12-26',
  symbols: ['AAPL', 'MSFT', 'NVDA'],
  snapshots: [
    { year_end: '2020-12-31', snapshot_key: 's20201231-0' },
    { year_end: '2021-12-31', snapshot_key: 's20211231-0' },
  ],
  years: [
    { year_end: '2020-12-31', ...line(0.03, 1.5, 52, '2021-01-04', '2021-12-27', bl(0.011, 0.021)) },
    { year_end: '2021-12-31', ...line(0.01, 0.5, 52, '2022-01-03', '2022-12-26', bl(-0.02, 0.04)) },
  ],
  total: line(0.02, 1.4, 104, '2021-01-04', '2022-12-26', bl(-0.004, 0.03)),
  created_at: '2026-08-15T00:00:00Z',
};

export function expectNoHoles(html: string): void {
  expect(html).not.toMatch(/undefined|NaN|\[object Object\]/);
}
