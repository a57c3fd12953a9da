/**
 * Issue 19, an agent run's seeds, through the ppo_lstm trainer on the bundled data (smoke profile,
 * K set to 2 here: the smoke profile trains one seed): K is in the config and the version, the kept
 * agent is the seed with the best validation Sharpe, every metric carries its spread across seeds,
 * and no tensor is left behind.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/config/profiles.ts';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { readModelFiles, versionPrefix } from '../../src/models/artifacts/model-files.ts';
import { kindSpec } from '../../src/models/kinds.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { computeVersion } from '../../src/registry/version.ts';
import { localDeps } from '../../src/runtime/local-deps.ts';
import { forecastReader } from '../../src/snapshots/read-forecasts.ts';
import { trainSmokeLstmSnapshots } from '../support/snapshot-deps.ts';

describe('an agent run with K seeds', () => {
  it('keeps the seed with the best validation Sharpe and stores every metric’s spread', async () => {
    // Prepare
    const deps = await localDeps({ dataDir: join(await mkdtemp(join(tmpdir(), 'mizan-agent-seeds-')), 'data') });
    await trainSmokeLstmSnapshots(deps.store, deps.marketData);
    const trainer = await kindSpec('ppo_lstm').loadTrainer();
    const trainerDeps = { store: deps.store, registry: deps.registry, marketData: deps.marketData, forecasts: forecastReader(deps), log: () => undefined, backend: await initBackend() };
    const planned = await resolveTrainingPlan({ kind: 'ppo_lstm', mode: 'full', profile: 'smoke' }, deps);
    expect(planned.config.seedCount).toBe(PROFILES.smoke.seeds);
    const { version: _v, snapshotYearEnds, ...inputs } = planned;
    const twoSeeds = { ...inputs, config: { ...inputs.config, seedCount: 2 } };
    const plan = { ...twoSeeds, version: computeVersion(twoSeeds), snapshotYearEnds };
    expect(computeVersion(inputs)).toBe(planned.version);
    expect(plan.version).not.toBe(planned.version);
    const before = tf.memory().numTensors;
    // Act
    const outcome = await trainer.train(plan, trainerDeps);
    // Assess
    expect(tf.memory().numTensors).toBe(before);
    const meta = (await readModelFiles(deps.store, versionPrefix('ppo_lstm', plan.version)))!.metadata as unknown as {
      metrics: Record<string, number>;
      metric_spread: Record<string, { mean: number; std: number; min: number; max: number; n: number }>;
      seeds: { count: number; chosen: { seed: number; score: number; scored_by: string }; members: { seed: number; score: number; metrics: Record<string, number> }[] };
    };
    expect(meta.metrics).toEqual(outcome.metrics);
    expect(meta.seeds.count).toBe(2);
    const seed = planned.config.seed as number;
    expect(meta.seeds.members.map((m) => m.seed)).toEqual([seed, seed + 1]);
    expect(meta.seeds.chosen.scored_by).toBe('validation_sharpe');
    const best = meta.seeds.members.reduce((a, b) => (b.score > a.score ? b : a));
    expect(meta.seeds.chosen).toMatchObject({ seed: best.seed, score: best.score });
    expect(meta.metrics.val_sharpe).toBe(best.score);
    expect(meta.metrics.eval_sharpe).toBe(best.metrics.eval_sharpe);
    expect(meta.metric_spread.eval_sharpe).toMatchObject({ n: 2, min: Math.min(...meta.seeds.members.map((m) => m.metrics.eval_sharpe)) });
    expect(meta.metric_spread.eval_sharpe.std).toBeGreaterThan(0);
    expect(meta.metric_spread.benchmark_sharpe.std).toBe(0);
  }, 180_000);
});
