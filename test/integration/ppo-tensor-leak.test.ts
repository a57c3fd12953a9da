/**
 * No tensor leaks over PPO runs through the trainer (panel, walk-forward forecasts, training,
 * evaluation, benchmark, files; then a fine-tune that loads the current agent and compares with it):
 * TensorFlow.js's tensor count is the same before and after, with the smoke profile.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { kindSpec } from '../../src/models/kinds.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { localDeps } from '../../src/runtime/local-deps.ts';
import { forecastReader } from '../../src/snapshots/read-forecasts.ts';
import { trainSnapshot } from '../../src/snapshots/train-snapshot.ts';
import { smokeForecasterPlan } from '../support/smoke-forecaster-plan.ts';
import { snapshotDeps } from '../support/snapshot-deps.ts';

describe('a smoke ppo_lstm run through the trainer', () => {
  it('leaves as many tensors as it found, full and fine-tune', async () => {
    const marketData = new SampleMarketData();
    const deps = await localDeps({ dataDir: join(await mkdtemp(join(tmpdir(), 'mizan-ppo-leak-')), 'data') });
    const lstmPlan = await smokeForecasterPlan(marketData);
    for (const yearEnd of lstmPlan.snapshotYearEnds) await trainSnapshot({ plan: lstmPlan, yearEnd }, await snapshotDeps(deps.store, marketData));
    const trainer = await kindSpec('ppo_lstm').loadTrainer();
    const trainerDeps = { store: deps.store, registry: deps.registry, marketData: deps.marketData, forecasts: forecastReader(deps), log: () => undefined, backend: await initBackend() };

    const before = tf.memory().numTensors;
    const full = await resolveTrainingPlan({ kind: 'ppo_lstm', mode: 'full', profile: 'smoke' }, deps);
    const outcome = await trainer.train(full, trainerDeps);
    expect(outcome.metrics.timesteps).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);

    expect(await deps.registry.promote('ppo_lstm', undefined, full.version)).toBe(true);
    const finetune = await resolveTrainingPlan({ kind: 'ppo_lstm', mode: 'finetune', profile: 'smoke' }, deps);
    const tuned = await trainer.train(finetune, trainerDeps);
    expect(tuned.comparison?.compared_on).toBe('same_test_weeks'); // the current agent was loaded and evaluated too
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
