/**
 * PatchTST end to end through the CLI with the smoke profile: trained with its yearly snapshots,
 * answered from the store when asked again, listed by `mizan models`, and forecasting walk-forward
 * from its snapshots with the hit rate beside "always up".
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listTree, runCli, type CliRun } from './cli-support.ts';

describe('mizan train patchtst --profile smoke', () => {
  let cwd: string;
  let dataDir: string;
  let first: CliRun;
  let response: { version: string; metrics: Record<string, number>; promoted: boolean; signals_used: string[]; num_input_channels: number; snapshots: { year_end: string; outcome: string }[] };

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'mizan-patchtst-cwd-'));
    dataDir = join(await mkdtemp(join(tmpdir(), 'mizan-patchtst-')), 'data');
    first = await runCli(['train', 'patchtst', '--profile', 'smoke', '--data-dir', dataDir], cwd);
    response = JSON.parse(first.stdout || '{}');
  }, 180_000);

  it('trains the 11-channel model and its snapshots, with the test loss beside both baselines', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(response).toMatchObject({ promoted: true, num_input_channels: 11 });
    expect(response.signals_used).toEqual(['open', 'high', 'low', 'close', 'volume', 'sentiment', 'gross_margin', 'operating_margin', 'net_margin', 'current_ratio', 'debt_to_equity']);
    for (const name of ['train_loss', 'val_loss', 'baseline_loss', 'mean_baseline_loss', 'test_loss', 'test_baseline_loss', 'test_mean_baseline_loss']) {
      expect(Number.isFinite(response.metrics[name]), name).toBe(true);
    }
    expect(response.snapshots).toEqual([
      { year_end: '2020-12-31', outcome: 'trained' },
      { year_end: '2021-12-31', outcome: 'trained' },
    ]);
    expect(first.stderr).toMatch(/test_loss=\S+ \(test: (beats|does not beat) zero/);
  });

  it('answers a repeated request with the stored result and trains nothing', async () => {
    const before = await listTree(dataDir);
    const again = await runCli(['train', 'patchtst', '--profile', 'smoke', '--data-dir', dataDir], cwd);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(response);
    expect(await listTree(dataDir)).toEqual(before);
  });

  it('lists the version as current with its test loss and which baselines it beats', async () => {
    const models = await runCli(['models', 'patchtst', '--data-dir', dataDir], cwd);
    expect(models.code, models.stderr).toBe(0);
    const view = JSON.parse(models.stdout) as { current: string; versions: { version: string; metrics: Record<string, number>; test_vs_baselines: string }[] };
    expect(view.current).toBe(response.version);
    expect(view.versions[0].metrics.test_loss).toBe(response.metrics.test_loss);
    expect(view.versions[0].test_vs_baselines).toMatch(/(beats|does not beat) zero .*(beats|does not beat) mean/);
  });

  it('forecasts walk-forward from its snapshots, with the hit rate beside "always up"', async () => {
    const run = await runCli(['forecasts', 'patchtst', '--from', '2021-01-04', '--to', '2021-03-01', '--symbols', 'AAPL,MSFT', '--data-dir', dataDir], cwd);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/2021-01-04/);
    expect(run.stdout).toMatch(/2020-12-31/);
    expect(`${run.stdout}\n${run.stderr}`).toMatch(/direction right in \d+ of \d+ .*always-up baseline/);
  });
});
