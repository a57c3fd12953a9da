/**
 * Issue 19, seeds and ensembles: a forecaster trained with seedCount K is K networks (seeds seed,
 * seed + 1, …) stored as their mean; its files round-trip, single-model files from before still
 * load, and seeded runs are byte-identical.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWeeklySamples, type WeeklySample } from '../../src/features/weekly-dataset.ts';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { ENSEMBLE_FILE, deserializeForecaster, serializeForecaster } from '../../src/models/forecasters/shared/forecaster-artifacts.ts';
import { evaluateMse, predict } from '../../src/models/forecasters/shared/forecaster-inference.ts';
import { averageOutputs, ensembleMembers } from '../../src/models/forecasters/shared/seed-ensemble.ts';
import { splitByDate } from '../../src/models/forecasters/shared/date-split.ts';
import type { TrainedForecaster } from '../../src/models/forecasters/shared/forecaster-types.ts';
import { disposeForecaster } from '../../src/models/forecasters/shared/train-forecaster.ts';
import { PATCHTST_CONFIGS } from '../../src/models/forecasters/patchtst/patchtst-config.ts';
import { patchtstModule } from '../../src/models/forecasters/patchtst/patchtst-module.ts';
import { trainForecaster } from '../../src/models/forecasters/shared/train-forecaster.ts';
import { syntheticBars, tinyConfig, trainLstm } from './forecaster-fixtures.ts';

const bars = { AAA: syntheticBars({ start: '2019-01-01', days: 420, seed: 4 }), BBB: syntheticBars({ start: '2019-01-01', days: 420, seed: 5 }) };
const samples = buildWeeklySamples(bars, { start: '2019-02-01', end: '2020-08-28' }, 10);
const config = tinyConfig({ maxEpochs: 2, seedCount: 3 });

beforeAll(async () => {
  await initBackend();
});

/** The stored metrics as scoring the stored model itself gives them (what trainForecaster computed from its members' outputs). */
function scoredDirectly(trained: TrainedForecaster, all: readonly WeeklySample[]) {
  const split = splitByDate(all, trained.config);
  const mse = (part: readonly WeeklySample[]) => evaluateMse(trained, part);
  return { train_loss: mse(split.train), val_loss: mse(split.val), test_loss: mse(split.test) };
}

describe('a seed ensemble of forecasters', () => {
  it('trains K different members with seeds seed, seed + 1, … and predicts exactly their mean', async () => {
    // Act
    const ensemble = await trainLstm({ samples, config });
    // Assess
    const members = ensembleMembers(ensemble.model);
    expect(members).toHaveLength(3);
    expect(ensemble.members.map((m) => m.seed)).toEqual([7, 8, 9]);
    const memberPredictions = members.map((m) => predict({ ...ensemble, model: m }, samples));
    expect(memberPredictions[0]).not.toEqual(memberPredictions[1]);
    expect(memberPredictions[1]).not.toEqual(memberPredictions[2]);
    expect(predict(ensemble, samples)).toEqual(averageOutputs(memberPredictions));
    // Its metrics, computed from the members' outputs, are the ensemble's own, to the bit.
    expect(ensemble.metrics).toMatchObject(scoredDirectly(ensemble, samples));
    // Member k is the single model of seed + k − 1, weight for weight.
    const single = await trainLstm({ samples, config: tinyConfig({ maxEpochs: 2, seed: 8 }) });
    expect(predict(single, samples)).toEqual(memberPredictions[1]);
    expect(ensemble.members[1].metrics).toEqual(single.metrics);
    // The stored metrics are the ensemble's, not a member's.
    expect(ensemble.members.map((m) => m.metrics.val_loss)).not.toContain(ensemble.metrics.val_loss);
    expect(ensemble.metrics.baseline_loss).toBe(single.metrics.baseline_loss);
    disposeForecaster(ensemble);
    disposeForecaster(single);
  });

  it('gives byte-identical files for the same seeds, round-trips them, and frees every member', async () => {
    // Prepare
    const before = tf.memory().numTensors;
    const [a, b] = [await trainLstm({ samples, config }), await trainLstm({ samples, config })];
    // Act
    const [filesA, filesB] = [await serializeForecaster(a), await serializeForecaster(b)];
    const loaded = await deserializeForecaster(structuredClone(filesA));
    // Assess
    expect(Object.keys(filesA).sort()).toEqual(['config.json', ENSEMBLE_FILE, 'model-2.json', 'model-3.json', 'model.json', 'scaler.json', 'weights-2.bin', 'weights-3.bin', 'weights.bin']);
    expect(filesB).toEqual(filesA);
    expect(JSON.parse(new TextDecoder().decode(filesA[ENSEMBLE_FILE]))).toEqual({
      combine: 'mean',
      members: [
        { model: 'model.json', weights: 'weights.bin' },
        { model: 'model-2.json', weights: 'weights-2.bin' },
        { model: 'model-3.json', weights: 'weights-3.bin' },
      ],
    });
    expect(ensembleMembers(loaded.model)).toHaveLength(3);
    expect(predict(loaded, samples)).toEqual(predict(a, samples));
    expect(loaded.config).toEqual(config);
    // `model.dispose()`, as every holder of a LoadedForecaster does it, frees all members.
    for (const f of [a, b, loaded]) f.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads a single model stored before seeds existed (no ensemble.json, no seedCount in config.json)', async () => {
    // Prepare: today's single-model files, with the config as it was stored before issue 19.
    const single = await trainLstm({ samples, config: tinyConfig({ maxEpochs: 1 }) });
    const files = await serializeForecaster(single);
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.json', 'scaler.json', 'weights.bin']);
    const { seedCount: _k, combineSeeds: _c, ...oldConfig } = single.config;
    files['config.json'] = new TextEncoder().encode(JSON.stringify(oldConfig));
    // Act
    const loaded = await deserializeForecaster(files);
    // Assess
    expect(ensembleMembers(loaded.model)).toEqual([loaded.model]);
    expect(predict(loaded, samples)).toEqual(predict(single, samples));
    disposeForecaster(single);
    loaded.model.dispose();
  });

  it("stores the member with the lowest validation loss when the config's combineSeeds is best_val", async () => {
    // Act
    const best = await trainLstm({ samples, config: { ...config, combineSeeds: 'best_val' } });
    // Assess
    const lowest = best.members.reduce((a, b) => (b.metrics.val_loss < a.metrics.val_loss ? b : a));
    expect(ensembleMembers(best.model)).toEqual([best.model]);
    expect(best.metrics).toEqual(lowest.metrics);
    expect(Object.keys(await serializeForecaster(best))).not.toContain(ENSEMBLE_FILE);
    disposeForecaster(best);
  });

  it('refuses an ensemble.json that names a missing member', async () => {
    // Prepare
    const ensemble = await trainLstm({ samples, config: tinyConfig({ maxEpochs: 1, seedCount: 2 }) });
    const files = await serializeForecaster(ensemble);
    disposeForecaster(ensemble);
    const before = tf.memory().numTensors;
    delete files['weights-2.bin'];
    // Act, Assess
    await expect(deserializeForecaster(files)).rejects.toThrow(/lack weights-2.bin, a member listed in ensemble.json/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('works for PatchTST too (a functional model with custom layers): the round trip predicts the same', async () => {
    // Prepare: the smoke architecture on the five price channels, two seeds, one epoch.
    const config = { ...PATCHTST_CONFIGS.smoke, maxEpochs: 1, seedCount: 2, signals: false };
    const longSamples = buildWeeklySamples(bars, { start: '2019-05-01', end: '2020-08-28' }, config.lookbackDays);
    const before = tf.memory().numTensors;
    const trained = await trainForecaster({ samples: longSamples, config, buildModel: patchtstModule.buildModel });
    // Act
    const loaded = await deserializeForecaster(await serializeForecaster(trained));
    // Assess
    expect(ensembleMembers(loaded.model)).toHaveLength(2);
    expect(predict(loaded, longSamples)).toEqual(predict(trained, longSamples));
    // A standardised target (PatchTST's): the members' outputs are averaged before they are un-scaled.
    expect(trained.target.std).not.toBe(1);
    expect(trained.metrics).toMatchObject(scoredDirectly(trained, longSamples));
    trained.model.dispose();
    loaded.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
