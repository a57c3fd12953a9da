import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { runTrainJob } from '../../src/pipeline/train-job.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { listSnapshots } from '../../src/snapshots/list-snapshots.ts';
import { readAllSnapshotMetadata } from '../../src/snapshots/list-snapshots.ts';
import { walkForwardForecasts, type WalkForwardRow } from '../../src/snapshots/walk-forward.ts';
import { perturbedAfter } from '../support/perturbed-market-data.ts';
import { sampleUniverse, trainSmokeLstmSnapshots } from '../support/snapshot-deps.ts';

describe('walk-forward forecasts from yearly snapshots (bundled sample, smoke profile)', () => {
  const marketData = new SampleMarketData();
  let dir: string;
  let store: DirArtifactStore;
  let registry: LocalModelRegistry;
  let plan: TrainingPlan;
  const deps = () => ({ store, registry, marketData });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mizan-walk-forward-'));
    store = new DirArtifactStore(dir);
    registry = new LocalModelRegistry(dir);
    plan = await trainSmokeLstmSnapshots(store, marketData);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('forecasts each symbol and week with the latest snapshot before the week: no look-ahead', async () => {
    // Act
    const rows = await walkForwardForecasts({ kind: 'lstm', from: '2021-01-04', to: '2022-12-26', allowFinalModel: false }, deps());
    // Assess
    const metaByYear = new Map((await readAllSnapshotMetadata(store, 'lstm')).map((m) => [m.year_end, m]));
    const newest = (await readAllSnapshotMetadata(store, 'lstm')).at(-1)!;
    expect(new Set(rows.map((r) => r.symbol))).toEqual(new Set(newest.symbols)); // default: the newest snapshot's universe
    expect(rows.length).toBe(newest.symbols.length * 104); // 52 weeks in 2021 and 52 in 2022 (to the week of Monday 2022-12-26)
    for (const row of rows) {
      const meta = metaByYear.get(row.snapshot!)!;
      expect(row.walk_forward).toBe('snapshot');
      expect(row.snapshot).toBe(`${Number(row.weekStart.slice(0, 4)) - 1}-12-31`);
      expect(meta.training_data_end).toBe(row.snapshot);
      expect(meta.training_data_end < row.weekStart).toBe(true);
      expect(meta.last_training_week_end < row.weekStart).toBe(true);
      expect(Number.isFinite(row.forecast)).toBe(true);
    }
    // realised is the week's real return: last close / first open - 1
    const aapl = rows.find((r) => r.symbol === 'AAPL' && r.weekStart === '2021-03-01')!;
    const bars = await marketData.dailyBars('AAPL', { start: '2021-03-01', end: '2021-03-05' });
    expect(aapl.weekEnd).toBe('2021-03-05');
    expect(aapl.realised).toBeCloseTo(bars.at(-1)!.close / bars[0].open - 1, 10);
  });

  it('gives the same forecast for a week whatever the prices from that week on', async () => {
    // Prepare: every price from Monday 2021-06-07 on is changed
    const changed = perturbedAfter(marketData, '2021-06-07');
    const range = { kind: 'lstm' as const, symbols: ['AAPL', 'MSFT'], from: '2021-05-31', to: '2021-06-14', allowFinalModel: false };
    const key = (r: WalkForwardRow) => `${r.symbol} ${r.weekStart}`;
    // Act
    const real = new Map((await walkForwardForecasts(range, deps())).map((r) => [key(r), r]));
    const other = new Map((await walkForwardForecasts(range, { ...deps(), marketData: changed })).map((r) => [key(r), r]));
    // Assess: weeks starting 05-31 (Tuesday 06-01) and 06-07 only see earlier prices; 06-14 sees the changed week
    expect([...real.keys()].sort()).toEqual([...other.keys()].sort());
    for (const week of ['2021-06-01', '2021-06-07']) {
      expect(other.get(`AAPL ${week}`)!.forecast).toBe(real.get(`AAPL ${week}`)!.forecast);
    }
    expect(other.get('AAPL 2021-06-07')!.realised).not.toBe(real.get('AAPL 2021-06-07')!.realised);
    expect(other.get('AAPL 2021-06-14')!.forecast).not.toBe(real.get('AAPL 2021-06-14')!.forecast);
  });

  it('names the weeks no snapshot covers rather than use a model that saw them', async () => {
    // Act / Assess
    await expect(walkForwardForecasts({ kind: 'lstm', from: '2020-11-30', to: '2021-01-11', allowFinalModel: false }, deps())).rejects.toThrow(
      /no lstm snapshot covers 5 week\(s\) \(weeks starting 2020-11-30 to 2020-12-28\).*existing: 2020-12-31, 2021-12-31/,
    );
    await expect(walkForwardForecasts({ kind: 'lstm', from: '2020-11-30', to: '2021-01-11', allowFinalModel: true }, deps())).rejects.toThrow(
      /no current lstm model to fall back on/,
    );
  });

  it('forecasts a symbol outside a snapshot\'s universe (a forecaster reads returns, not names), and refuses bad dates', async () => {
    const rows = await walkForwardForecasts({ kind: 'lstm', symbols: ['KO'], from: '2021-01-04', to: '2021-02-01', allowFinalModel: false }, deps());
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((r) => r.symbol === 'KO' && r.snapshot === '2020-12-31' && Number.isFinite(r.forecast))).toBe(true);
    await expect(walkForwardForecasts({ kind: 'lstm', from: '2021-02-30', to: '2021-03-01', allowFinalModel: false }, deps())).rejects.toThrow(/from must be a date/);
    await expect(walkForwardForecasts({ kind: 'lstm', from: '2021-03-01', to: '2021-02-01', allowFinalModel: false }, deps())).rejects.toThrow(/is after to/);
  });

  it('falls back to the current model only when allowed, and marks every such forecast', async () => {
    // Prepare: train and promote the main model the way a run does
    const result = await runTrainJob({ task: 'train', plan }, { store, registry, marketData, universe: await sampleUniverse(marketData), log: () => {} });
    await registry.claim('lstm', plan.version, 'test-execution');
    await registry.complete('lstm', plan.version, { version: result.version });
    expect(await registry.promote('lstm', undefined, plan.version)).toBe(true);
    // Act
    const rows = await walkForwardForecasts({ kind: 'lstm', symbols: ['MSFT'], from: '2020-12-14', to: '2021-01-11', allowFinalModel: true }, deps());
    // Assess
    expect(rows.map((r) => [r.weekStart, r.snapshot, r.walk_forward])).toEqual([
      ['2020-12-14', null, 'final_model'],
      ['2020-12-21', null, 'final_model'],
      ['2020-12-28', null, 'final_model'],
      ['2021-01-04', '2020-12-31', 'snapshot'],
      ['2021-01-11', '2020-12-31', 'snapshot'],
    ]);
    expect((await listSnapshots(store, 'lstm')).map((s) => s.yearEnd)).toEqual(['2020-12-31', '2021-12-31']);
  });
});
