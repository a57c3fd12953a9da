/**
 * Issue 19, seeds and ensembles, through the lstm trainer on the bundled data (smoke profile, K set
 * to 2 here: the smoke profile trains one seed): K is in the version, the stored model is the seed
 * ensemble, every metric carries its spread across the seeds, the Diebold–Mariano tests against the
 * baselines are stored, an ensemble is compared with the next challenger, and a snapshot stays one
 * network.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/config/profiles.ts';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { readModelFiles, versionPrefix } from '../../src/models/artifacts/model-files.ts';
import { LSTM_CONFIGS } from '../../src/models/forecasters/lstm/lstm-config.ts';
import { ENSEMBLE_FILE } from '../../src/models/forecasters/shared/forecaster-artifacts.ts';
import { kindSpec } from '../../src/models/kinds.ts';
import type { TrainerDeps } from '../../src/models/kind-trainer.ts';
import { localDeps, type LocalDeps } from '../../src/runtime/local-deps.ts';
import { forecastReader } from '../../src/snapshots/read-forecasts.ts';
import { snapshotPrefix } from '../../src/snapshots/snapshot-paths.ts';
import { trainSnapshot } from '../../src/snapshots/train-snapshot.ts';
import { smokeForecasterPlan } from '../support/smoke-forecaster-plan.ts';
import { snapshotDeps } from '../support/snapshot-deps.ts';

let deps: LocalDeps;
let trainerDeps: TrainerDeps;

beforeAll(async () => {
  deps = await localDeps({ dataDir: join(await mkdtemp(join(tmpdir(), 'mizan-seeds-')), 'data') });
  trainerDeps = { store: deps.store, registry: deps.registry, marketData: deps.marketData, forecasts: forecastReader(deps), log: () => undefined, backend: await initBackend() };
});

describe('a forecaster run with K seeds', () => {
  it('takes K from the profile into the config, so into the version', async () => {
    expect(LSTM_CONFIGS.local.seedCount).toBe(PROFILES.local.seeds);
    expect(LSTM_CONFIGS.full.seedCount).toBe(PROFILES.full.seeds);
    expect(LSTM_CONFIGS.smoke.seedCount).toBe(PROFILES.smoke.seeds);
    const [one, two] = [await smokeForecasterPlan(deps.marketData, { config: { seedCount: 1 } }), await smokeForecasterPlan(deps.marketData, { config: { seedCount: 2 } })];
    expect(two.version).not.toBe(one.version);
  });

  it('stores the ensemble with each metric’s spread across seeds and its tests against the baselines', async () => {
    // Prepare
    const trainer = await kindSpec('lstm').loadTrainer();
    const plan = await smokeForecasterPlan(deps.marketData, { config: { seedCount: 2 } });
    const before = tf.memory().numTensors;
    // Act
    const outcome = await trainer.train(plan, trainerDeps);
    // Assess
    expect(tf.memory().numTensors).toBe(before);
    const stored = (await readModelFiles(deps.store, versionPrefix('lstm', plan.version)))!;
    expect(Object.keys(stored.files)).toContain(ENSEMBLE_FILE);
    const meta = stored.metadata as unknown as {
      metrics: Record<string, number>;
      metric_spread: Record<string, { mean: number; std: number; min: number; max: number; n: number }>;
      seeds: { count: number; combine: string; members: { seed: number; metrics: Record<string, number> }[] };
      tests: { dm_vs_zero: { p_value: number | null; weeks: number }; dm_vs_mean: { p_value: number | null } };
    };
    expect(meta.metrics).toEqual(outcome.metrics);
    expect(Object.keys(meta.metric_spread).sort()).toEqual(Object.keys(meta.metrics).sort());
    expect(meta.seeds.count).toBe(2);
    expect(meta.seeds.combine).toBe('mean');
    expect(meta.seeds.members.map((m) => m.seed)).toEqual([plan.config.seed, (plan.config.seed as number) + 1]);
    const losses = meta.seeds.members.map((m) => m.metrics.test_loss);
    const spread = meta.metric_spread.test_loss;
    expect(spread).toMatchObject({ mean: (losses[0] + losses[1]) / 2, min: Math.min(...losses), max: Math.max(...losses), n: 2 });
    expect(spread.std).toBeCloseTo(Math.abs(losses[0] - losses[1]) / Math.SQRT2, 15); // the sample std of two values
    expect(spread.std).toBeGreaterThan(0);
    expect(meta.metric_spread.test_baseline_loss.std).toBe(0);
    expect(meta.tests.dm_vs_zero.weeks).toBeGreaterThanOrEqual(3);
    expect(meta.tests.dm_vs_zero.p_value).toBeGreaterThan(0);
    expect(meta.tests.dm_vs_mean.p_value).toBeLessThan(1);

    // The next challenger is compared with the stored ensemble on the same weeks, and it is freed.
    expect(await deps.registry.promote('lstm', undefined, plan.version)).toBe(true);
    const challenger = await smokeForecasterPlan(deps.marketData, { config: { seedCount: 2, seed: 100 } });
    const next = await trainer.train(challenger, trainerDeps);
    expect(next.comparison?.compared_on).toBe('same_test_weeks');
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('trains a snapshot as one network, the config’s seed', async () => {
    const plan = await smokeForecasterPlan(deps.marketData, { config: { seedCount: 2 } });
    const yearEnd = plan.snapshotYearEnds[0];
    await trainSnapshot({ plan, yearEnd }, await snapshotDeps(deps.store, deps.marketData));
    const stored = (await readModelFiles(deps.store, snapshotPrefix('lstm', yearEnd)))!;
    expect(Object.keys(stored.files).sort()).toEqual(['config.json', 'model.json', 'scaler.json', 'weights.bin']);
    expect(JSON.parse(new TextDecoder().decode(stored.files['config.json'])).seedCount).toBe(1);
  }, 60_000);
});
