/**
 * Issue 19 through the CLI (smoke profile, walk-forward lstm snapshots): a full ppo_lstm run ranks
 * its universe as of its last training week, validates checkpoints on the weeks between training and
 * evaluation (gaps on both sides) and keeps the best, and reports train / validation / test Sharpe,
 * the test Sharpe's 90 % interval, the inverse-volatility baseline and the tests against both baselines.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { addDays } from '../../src/data/dates.ts';
import { localDeps } from '../../src/runtime/local-deps.ts';
import { sharpeDifference, sharpeInterval } from '../../src/stats/sharpe.ts';
import { runCli, type CliRun } from '../e2e/cli-support.ts';
import { trainSmokeLstmSnapshots } from '../support/snapshot-deps.ts';

interface Span {
  first: string;
  last: string;
  count: number;
}

interface Response {
  version: string;
  symbols_used: string[];
  universe_as_of: string;
  metrics: Record<string, number>;
  intervals: { eval_sharpe: { level: number; low: number; high: number } };
  metric_spread: Record<string, { mean: number; std: number; min: number; max: number; n: number }>;
  tests: { sharpe_vs_equal_weight: { method: string; against: string; statistic: number; p_value: number; weeks: number } };
}

interface Metadata {
  config: { universeAsOf: string; gapWeeks: number };
  universe: { as_of: string; point_in_time: boolean };
  split: { train: Span; validation: Span; evaluation: Span; gap_weeks: number };
  checkpoints: { history: { at: number; score: number }[]; best: { at: number; score: number } };
  evaluation: { agent_returns: number[]; benchmark_returns: number[]; inverse_vol_returns: number[] };
}

describe('ppo_lstm with a point-in-time universe and validation checkpoints (smoke profile)', () => {
  let dataDir: string;
  let run: CliRun;
  let response: Response;
  let meta: Metadata;

  beforeAll(async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mizan-pit-cwd-'));
    dataDir = join(await mkdtemp(join(tmpdir(), 'mizan-pit-')), 'data');
    const deps = await localDeps({ dataDir });
    await trainSmokeLstmSnapshots(deps.store, new SampleMarketData());
    run = await runCli(['train', 'ppo_lstm', '--profile', 'smoke', '--data-dir', dataDir], cwd);
    response = JSON.parse(run.stdout || '{}') as Response;
    meta = JSON.parse(await readFile(join(dataDir, 'models', 'ppo_lstm', response.version, 'metadata.json'), 'utf8')) as Metadata;
  }, 240_000);

  it('ranks the universe as of its last training week, and says so', async () => {
    expect(run.code, run.stderr).toBe(0);
    expect(response.universe_as_of).toBe(meta.split.train.last);
    expect(meta.universe).toEqual({ as_of: meta.split.train.last, point_in_time: true });
    expect(meta.config.universeAsOf).toBe(meta.split.train.last);
    const { universe } = await localDeps({ dataDir });
    expect(response.symbols_used).toEqual((await universe.halalSymbols(response.universe_as_of)).slice(0, 4).sort());
  });

  it('trains, validates and evaluates on separate weeks with gaps, keeping the best validation checkpoint', () => {
    const { train, validation, evaluation, gap_weeks } = meta.split;
    expect(gap_weeks).toBe(2);
    expect(validation.first).toBe(addDays(train.last, 7 * (gap_weeks + 1)));
    expect(evaluation.first).toBe(addDays(validation.last, 7 * (gap_weeks + 1)));
    expect(response.metrics).toMatchObject({ train_weeks: train.count, val_weeks: validation.count, eval_weeks: evaluation.count });
    // The calendar weeks the evaluation held through without a row (weeks left out of the panel).
    const calendarWeeks = Math.round((Date.parse(evaluation.last) - Date.parse(evaluation.first)) / (7 * 86_400_000)) + 1;
    expect(response.metrics.eval_weeks_skipped).toBe(calendarWeeks - evaluation.count);
    const scores = meta.checkpoints.history.map((h) => h.score);
    expect(scores.length).toBeGreaterThan(1);
    expect(meta.checkpoints.best.score).toBe(Math.max(...scores));
    expect(response.metrics.val_sharpe).toBeCloseTo(meta.checkpoints.best.score, 9);
    for (const name of ['train_sharpe', 'val_sharpe', 'eval_sharpe', 'benchmark_sharpe', 'inverse_vol_sharpe']) expect(Number.isFinite(response.metrics[name]), name).toBe(true);
  });

  it('reports the test Sharpe’s 90 % interval and the paired tests against equal weight, from the weekly returns', () => {
    const { agent_returns, benchmark_returns, inverse_vol_returns } = meta.evaluation;
    expect(agent_returns).toHaveLength(meta.split.evaluation.count);
    const interval = sharpeInterval(agent_returns, 0.9);
    expect(response.intervals.eval_sharpe).toEqual({ level: 0.9, low: interval.low, high: interval.high });
    expect(interval.sharpe).toBeCloseTo(response.metrics.eval_sharpe, 9);
    const test = sharpeDifference(agent_returns, benchmark_returns);
    expect(response.tests.sharpe_vs_equal_weight).toMatchObject({ method: 'jobson_korkie_memmel', against: 'equal_weight', p_value: test.pValue, weeks: agent_returns.length });
    expect(inverse_vol_returns).toHaveLength(agent_returns.length);
    // The Sharpe ratios' spread over the run's seeds (smoke: one seed, so the kept seed's own).
    expect(Object.keys(response.metric_spread).sort()).toEqual(['eval_cagr', 'eval_sharpe', 'train_sharpe', 'val_sharpe']);
    expect(response.metric_spread.eval_sharpe).toMatchObject({ mean: response.metrics.eval_sharpe, n: 1 });
  });
});
