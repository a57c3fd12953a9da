import { beforeAll, describe, expect, it } from 'vitest';
import { buildWeeklySamples, CHANNELS } from '../../src/features/weekly-dataset.ts';
import { splitByDate } from '../../src/models/forecasters/shared/date-split.ts';
import { serializeForecaster } from '../../src/models/forecasters/shared/forecaster-artifacts.ts';
import { evaluateMse, predict } from '../../src/models/forecasters/shared/forecaster-inference.ts';
import { disposeForecaster } from '../../src/models/forecasters/shared/train-forecaster.ts';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { StandardScaler } from '../../src/ml/scaler.ts';
import { syntheticBars, tinyConfig, trainLstm } from './forecaster-fixtures.ts';

const bars = {
  AAA: syntheticBars({ start: '2019-01-01', days: 560, seed: 1 }),
  BBB: syntheticBars({ start: '2019-01-01', days: 560, seed: 2, startPrice: 40 }),
  CCC: syntheticBars({ start: '2019-01-01', days: 560, seed: 3, startPrice: 250 }),
};
const samples = buildWeeklySamples(bars, { start: '2019-02-01', end: '2021-02-26' }, 10);

beforeAll(async () => {
  await initBackend();
});

describe('trainForecaster on the wasm backend', () => {
  it('learns a learnable weekly signal: loss falls and validation beats the predict-zero baseline', async () => {
    // Prepare
    const config = tinyConfig({ maxEpochs: 6, patience: 6 });
    // Act
    const trained = await trainLstm({ samples, config });
    // Assess
    expect(tf.getBackend()).toBe('wasm');
    const { history, metrics } = trained;
    expect(history.at(-1)!.trainLoss).toBeLessThan(history[0].trainLoss);
    expect(metrics.val_loss).toBeLessThan(0.5 * metrics.baseline_loss);
    expect(metrics.val_loss).toBe(history[trained.bestEpoch - 1].valLoss);
    expect(metrics.val_loss).toBe(Math.min(...history.map((h) => h.valLoss)));
    const { valFirstWeek, valLastWeek, testFirstWeek } = trained.split;
    expect(metrics.val_loss).toBeCloseTo(evaluateMse(trained, samples.filter((s) => s.week >= valFirstWeek && s.week <= valLastWeek)), 10);
    expect(metrics.test_loss).toBeCloseTo(evaluateMse(trained, samples.filter((s) => s.week >= testFirstWeek)), 10);
    expect(metrics.test_loss).toBeLessThan(0.5 * metrics.test_baseline_loss);
    disposeForecaster(trained);
  });

  it('fits the scaler on the training rows only and reports the date split', async () => {
    // Prepare: the independent fit on the training part, and the one a leaky fit would give.
    const config = tinyConfig({ maxEpochs: 1 });
    const split = splitByDate(samples, config);
    const trainOnly = StandardScaler.fit(split.train.map((s) => s.features), CHANNELS);
    const everything = StandardScaler.fit(samples.map((s) => s.features), CHANNELS);
    // Act
    const trained = await trainLstm({ samples, config });
    // Assess
    expect(trained.scaler.mean).toEqual(trainOnly.mean);
    expect(trained.scaler.std).toEqual(trainOnly.std);
    expect(trained.scaler.mean).not.toEqual(everything.mean);
    expect(trained.split).toEqual(split.summary);
    // Three segments in date order, one purged week between each.
    const weekAfter = (week: string, n: number) => new Date(Date.parse(`${week}T00:00:00Z`) + n * 7 * 86_400_000).toISOString().slice(0, 10);
    expect(split.summary.valFirstWeek).toBe(weekAfter(split.summary.trainLastWeek, 2));
    expect(split.summary.testFirstWeek).toBe(weekAfter(split.summary.valLastWeek, 2));
    const mse = (part: typeof split.val, forecast: number) => part.reduce((s, v) => s + (v.target - forecast) ** 2, 0) / part.length;
    const trainMean = split.train.reduce((s, v) => s + v.target, 0) / split.train.length;
    expect(trained.metrics.baseline_loss).toBeCloseTo(mse(split.val, 0), 12);
    expect(trained.metrics.mean_baseline_loss).toBeCloseTo(mse(split.val, trainMean), 12);
    expect(trained.metrics.test_baseline_loss).toBeCloseTo(mse(split.test, 0), 12);
    expect(trained.metrics.test_mean_baseline_loss).toBeCloseTo(mse(split.test, trainMean), 12);
    disposeForecaster(trained);
  });

  it('gives identical weights and metrics for the same seed and different ones for another seed', async () => {
    // Prepare
    const config = tinyConfig({ maxEpochs: 2 });
    // Act
    const a = await trainLstm({ samples, config });
    const b = await trainLstm({ samples, config });
    const c = await trainLstm({ samples, config: { ...config, seed: 8 } });
    const [wa, wb, wc] = await Promise.all([a, b, c].map(async (f) => (await serializeForecaster(f))['weights.bin']));
    // Assess
    expect(Buffer.from(wa).equals(Buffer.from(wb))).toBe(true);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.history.map((h) => [h.trainLoss, h.valLoss])).toEqual(b.history.map((h) => [h.trainLoss, h.valLoss]));
    expect(Buffer.from(wa).equals(Buffer.from(wc))).toBe(false);
    [a, b, c].forEach(disposeForecaster);
  });

  it('leaks no tensors across training steps, epochs, prediction and disposal', async () => {
    // Prepare
    const before = tf.memory().numTensors;
    const perEpoch: number[] = [];
    const perBatch: number[] = [];
    // Act
    const trained = await trainLstm({
      samples,
      config: tinyConfig({ maxEpochs: 4, patience: 4 }),
      onEpoch: () => perEpoch.push(tf.memory().numTensors),
      onBatch: ({ batch }) => batch > 1 && perBatch.push(tf.memory().numTensors),
    });
    const afterTraining = tf.memory().numTensors;
    predict(trained, samples.slice(0, 40));
    const afterPredict = tf.memory().numTensors;
    disposeForecaster(trained);
    // Assess
    expect(perEpoch).toHaveLength(4);
    expect(new Set(perEpoch).size).toBe(1);
    expect(new Set(perBatch).size).toBe(1);
    expect(afterPredict).toBe(afterTraining);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports per-epoch progress with losses, time and an ETA, and stops early when validation gets worse', async () => {
    // Prepare: validation targets flipped against the learnable signal, so learning more hurts validation.
    const config = tinyConfig({ maxEpochs: 8, patience: 1 });
    const { valFirstWeek } = splitByDate(samples, config).summary;
    const adversarial = samples.map((s) => (s.week >= valFirstWeek ? { ...s, target: -s.target } : s));
    const reports: { epoch: number; etaSeconds: number; seconds: number; valLoss: number; improved: boolean }[] = [];
    // Act
    const trained = await trainLstm({ samples: adversarial, config, onEpoch: (r) => reports.push(r) });
    // Assess
    expect(reports.length).toBeLessThan(8);
    expect(reports.at(-1)!.improved).toBe(false);
    expect(reports.at(-1)!.etaSeconds).toBe(0);
    expect(reports.every((r) => r.seconds > 0 && Number.isFinite(r.valLoss))).toBe(true);
    expect(reports.slice(0, -1).every((r) => r.etaSeconds > 0)).toBe(true);
    expect(trained.bestEpoch).toBe(reports.length - 1);
    disposeForecaster(trained);
  });

  it('restores the best epoch\'s weights: the model returned scores what its best epoch scored, not its last', async () => {
    // Prepare: validation targets flipped against the learnable signal, so every epoch of learning
    // makes validation worse, and patience lets training run past the best epoch.
    const config = tinyConfig({ maxEpochs: 6, patience: 6 });
    const { valFirstWeek } = splitByDate(samples, config).summary;
    const adversarial = samples.map((s) => (s.week >= valFirstWeek ? { ...s, target: -s.target } : s));
    // Act
    const trained = await trainLstm({ samples: adversarial, config });
    // Assess
    const { history, bestEpoch, metrics } = trained;
    expect(history).toHaveLength(6);
    expect(bestEpoch).toBeLessThan(history.length); // the last epoch was not the best: a restore is needed
    expect(history.at(-1)!.valLoss).not.toBe(history[bestEpoch - 1].valLoss);
    expect(metrics.val_loss).toBe(history[bestEpoch - 1].valLoss);
    disposeForecaster(trained);
  });

  it('scales the target with training statistics when asked, and predicts weekly returns either way', async () => {
    // Prepare
    const config = tinyConfig({ maxEpochs: 2, scaleTarget: true });
    const { train } = splitByDate(samples, config);
    const mean = train.reduce((s, v) => s + v.target, 0) / train.length;
    // Act
    const trained = await trainLstm({ samples, config });
    // Assess
    expect(trained.target.mean).toBeCloseTo(mean, 12);
    expect(trained.target.std).toBeGreaterThan(0.005);
    expect(trained.metrics.val_loss).toBeCloseTo(evaluateMse(trained, samples.filter((s) => s.week >= trained.split.valFirstWeek && s.week <= trained.split.valLastWeek)), 10);
    disposeForecaster(trained);
  });
});
