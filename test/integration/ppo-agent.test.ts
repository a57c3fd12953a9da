/**
 * Issue 10 through the CLI with the smoke profile: lstm snapshots first (in-process), then
 * `mizan train ppo_lstm` full and fine-tune as processes, each idempotent; a fine-tune before any
 * agent is refused; the panel's features for a week do not move when later data changes.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { buildRawPanel, PANEL_FEATURES, loadSignalReader } from '../../src/models/agents/env/build-panel.ts';
import { localDeps } from '../../src/runtime/local-deps.ts';
import { forecastReader } from '../../src/snapshots/read-forecasts.ts';
import { runCli, type CliRun } from '../e2e/cli-support.ts';
import { perturbedAfter } from '../support/perturbed-market-data.ts';
import { signalsChangedFrom, trainSmokeLstmSnapshots } from '../support/snapshot-deps.ts';
import type { AgentResponse } from '../support/agent-response.ts';
import { sharpe } from '../../src/models/agents/portfolio-metrics.ts';
import { sharpeDifference } from '../../src/stats/sharpe.ts';
import { DEFAULT_PROMOTION_SETTINGS } from '../../src/config/promotion.ts';

const SEED_FIELDS = ['version', 'data_window_start', 'data_window_end', 'metrics', 'promoted', 'prior_version', 'symbols_used'];
const SEED_METRICS = ['policy_loss', 'value_loss', 'avg_episode_return', 'avg_episode_sharpe', 'eval_sharpe', 'eval_cagr', 'eval_max_drawdown'];

describe('ppo_lstm through the CLI (smoke profile, walk-forward lstm snapshots)', () => {
  const marketData = new SampleMarketData();
  let dataDir: string;
  let cwd: string;
  let refused: CliRun;
  let full: CliRun;
  let fullResponse: AgentResponse;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'mizan-ppo-cwd-'));
    dataDir = join(await mkdtemp(join(tmpdir(), 'mizan-ppo-')), 'data');
    const deps = await localDeps({ dataDir });
    await trainSmokeLstmSnapshots(deps.store, marketData);
    refused = await runCli(['train', 'ppo_lstm', '--mode', 'finetune', '--profile', 'smoke', '--data-dir', dataDir], cwd);
    full = await runCli(['train', 'ppo_lstm', '--profile', 'smoke', '--data-dir', dataDir], cwd);
    fullResponse = JSON.parse(full.stdout || '{}') as AgentResponse;
  }, 180_000);

  it('refuses a fine-tune before any agent exists, naming the command to run first', () => {
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/ppo_lstm has no trained model to fine-tune yet: train one first with `mizan train ppo_lstm --mode full`/);
  });

  it('trains full: the seed response with the benchmark, walk_forward and the evaluation weeks; promoted as the first agent', async () => {
    expect(full.code, full.stderr).toBe(0);
    expect(Object.keys(fullResponse)).toEqual(expect.arrayContaining([...SEED_FIELDS, 'walk_forward', 'evaluation_weeks']));
    expect(Object.keys(fullResponse.metrics).slice(0, SEED_METRICS.length)).toEqual(SEED_METRICS);
    for (const name of [...SEED_METRICS, 'benchmark_sharpe', 'benchmark_cagr', 'benchmark_max_drawdown']) expect(Number.isFinite(fullResponse.metrics[name]), name).toBe(true);
    expect(fullResponse.metrics.avg_episode_return).not.toBe(0);
    expect(fullResponse.metrics.eval_max_drawdown).toBeGreaterThanOrEqual(0);
    expect(fullResponse).toMatchObject({ promoted: true, prior_version: null, walk_forward: 'snapshots', data_window_end: '2022-12-30' });
    expect(fullResponse.symbols_used.length).toBe(4);
    expect(fullResponse.evaluation_weeks.count).toBe(fullResponse.metrics.eval_weeks);
    expect(fullResponse.evaluation_weeks.first > '2022-01-01').toBe(true); // the held-out end of 2021..2022
    expect(full.stderr).toMatch(/update 1 step \d+ policy_loss=\S+ value_loss=\S+ approx_kl=\S+ clip_fraction=\S+ explained_variance=\S+ entropy=\S+/);
    const meta = JSON.parse(await readFile(join(dataDir, 'models', 'ppo_lstm', fullResponse.version, 'metadata.json'), 'utf8')) as {
      evaluation: { weeks: string[]; agent_equity: number[]; benchmark_equity: number[]; agent_weights: number[][] };
      files: Record<string, string>;
    };
    expect(Object.keys(meta.files).sort()).toEqual(['panel-transform.json', 'ppo-agent.json', 'ppo-weights.bin']);
    expect(meta.evaluation.agent_equity.length).toBe(fullResponse.evaluation_weeks.count);
    expect(meta.evaluation.benchmark_equity.length).toBe(fullResponse.evaluation_weeks.count);
    for (const w of meta.evaluation.agent_weights) {
      expect(w.length).toBe(5);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect(Math.max(...w.slice(0, 4))).toBeLessThanOrEqual(0.2 + 1e-9);
      expect(w[4]).toBeGreaterThanOrEqual(0.02 - 1e-9);
    }
  });

  it('answers a repeated full request with the stored result', async () => {
    const again = await runCli(['train', 'ppo_lstm', '--profile', 'smoke', '--data-dir', dataDir], cwd);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already trained with these inputs/);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(full.stdout));
  });

  it('fine-tunes from the current agent: 13 evaluation weeks, compared with it on the same weeks; idempotent', async () => {
    const tuned = await runCli(['train', 'ppo_lstm', '--mode', 'finetune', '--profile', 'smoke', '--data-dir', dataDir], cwd);
    expect(tuned.code, tuned.stderr).toBe(0);
    const response = JSON.parse(tuned.stdout) as AgentResponse;
    expect(response.version).not.toBe(fullResponse.version);
    expect(response.prior_version).toBe(fullResponse.version);
    expect(response.symbols_used).toEqual(fullResponse.symbols_used);
    expect(response.evaluation_weeks).toMatchObject({ count: 13, last: '2022-12-19' });
    expect(response.metrics.train_weeks).toBe(26);
    expect(response.promotion.compared_on).toBe('same_test_weeks');
    expect(response.promotion.comparison).toMatchObject({ compared_on: 'same_test_weeks', weeks: { count: 13 }, samples: 13 });
    expect(response.promotion.comparison!.candidate_score).toBeCloseTo(response.metrics.eval_sharpe, 9);
    expect(Number.isFinite(response.promotion.comparison!.current_score)).toBe(true);
    // The weekly net returns of both passes (in metadata.json), whose Sharpe ratios are the scores; the paired Sharpe test decides.
    const meta = JSON.parse(await readFile(join(dataDir, 'models', 'ppo_lstm', response.version, 'metadata.json'), 'utf8')) as { comparison: { weekly: { weeks: string[]; candidate: number[]; current: number[]; measure: string } } };
    const weekly = meta.comparison.weekly;
    expect(weekly).toMatchObject({ measure: 'net_portfolio_return' });
    expect(weekly.weeks).toHaveLength(13);
    expect(sharpe(weekly.candidate)).toBeCloseTo(response.promotion.comparison!.candidate_score, 9);
    expect(sharpe(weekly.current)).toBeCloseTo(response.promotion.comparison!.current_score, 9);
    // Better means by more than the margin (0.1 of annualised Sharpe), significantly.
    const significant = sharpeDifference(weekly.candidate, weekly.current, DEFAULT_PROMOTION_SETTINGS.minSharpeGain).pValue < DEFAULT_PROMOTION_SETTINGS.level;
    expect(response).toMatchObject({ promoted: significant, promotion: { rule: significant ? 'significantly_better' : expect.stringMatching(/^(not_significant|significantly_worse)$/), test: { method: 'sharpe_difference', weeks: { count: 13 } } } });
    const again = await runCli(['train', 'ppo_lstm', '--mode', 'finetune', '--profile', 'smoke', '--data-dir', dataDir], cwd);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(response);
  });

  it('builds week w’s features only from data before w’s first session (prices and signals perturbed from then on)', async () => {
    const deps = await localDeps({ dataDir });
    const week = '2022-03-07';
    const input = { forecaster: 'lstm' as const, symbols: ['AAPL', 'MSFT'], window: { start: '2022-01-03', end: '2022-04-29' }, lookbackDays: 70, returnDays: 20, volatilityDays: 60 };
    const real = await loadSignalReader();
    const noisy = signalsChangedFrom(real, week);
    const a = await buildRawPanel(input, { marketData, signalReader: real, forecasts: forecastReader(deps) });
    const b = await buildRawPanel(input, { marketData: perturbedAfter(marketData, week), signalReader: noisy, forecasts: forecastReader(deps) });
    expect(b.weeks).toEqual(a.weeks);
    const w = a.weeks.indexOf(week);
    expect(w).toBeGreaterThan(0);
    const width = a.symbols.length * PANEL_FEATURES.length;
    for (let i = 0; i <= w; i++) expect(Array.from(b.raw.subarray(i * width, (i + 1) * width)), a.weeks[i]).toEqual(Array.from(a.raw.subarray(i * width, (i + 1) * width)));
    // The week after sees the changed prices and signals; the week before's holding return ends at w's (changed) open.
    expect(Array.from(b.raw.subarray((w + 1) * width, (w + 2) * width))).not.toEqual(Array.from(a.raw.subarray((w + 1) * width, (w + 2) * width)));
    expect(b.returns[(w - 1) * 2]).not.toBe(a.returns[(w - 1) * 2]);
  });
});
