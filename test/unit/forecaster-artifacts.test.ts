import { describe, expect, it } from 'vitest';
import { buildWeeklySamples } from '../../src/features/weekly-dataset.ts';
import { deserializeForecaster, serializeForecaster } from '../../src/models/forecasters/shared/forecaster-artifacts.ts';
import { evaluateMse, predict } from '../../src/models/forecasters/shared/forecaster-inference.ts';
import { disposeForecaster } from '../../src/models/forecasters/shared/train-forecaster.ts';
import { syntheticBars, tinyConfig, trainLstm } from './forecaster-fixtures.ts';

describe('forecaster artifacts', () => {
  it('round-trips through model.json, weights.bin, scaler.json and config.json with identical predictions', async () => {
    // Prepare
    const bars = { AAA: syntheticBars({ start: '2019-01-01', days: 420, seed: 4 }), BBB: syntheticBars({ start: '2019-01-01', days: 420, seed: 5 }) };
    const samples = buildWeeklySamples(bars, { start: '2019-02-01', end: '2020-08-28' }, 10);
    const trained = await trainLstm({ samples, config: tinyConfig({ maxEpochs: 1 }) });
    // Act
    const files = await serializeForecaster(trained);
    const loaded = await deserializeForecaster(structuredClone(files));
    // Assess
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.json', 'scaler.json', 'weights.bin']);
    const modelJson = JSON.parse(new TextDecoder().decode(files['model.json']));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest).toHaveLength(1);
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    const bytes = modelJson.weightsManifest[0].weights.reduce((n: number, w: { shape: number[] }) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    expect(files['weights.bin'].byteLength).toBe(bytes);
    expect(loaded.config).toEqual(trained.config);
    expect(loaded.scaler.toJSON()).toEqual(trained.scaler.toJSON());
    expect(predict(loaded, samples)).toEqual(predict(trained, samples));
    expect(evaluateMse(loaded, samples)).toBe(evaluateMse(trained, samples));
    disposeForecaster(trained);
    loaded.model.dispose();
  });

  it('rejects incomplete or corrupt artifacts with a clear message', async () => {
    // Prepare
    const text = (s: string) => new TextEncoder().encode(s);
    const files = { 'model.json': text('{}'), 'weights.bin': new Uint8Array(0), 'scaler.json': text('{}'), 'config.json': text('{}') };
    // Act / Assess
    await expect(deserializeForecaster({ 'model.json': text('{}') })).rejects.toThrow(/lack weights.bin/);
    await expect(deserializeForecaster({ ...files, 'model.json': text('not json') })).rejects.toThrow(/model.json is not valid JSON/);
    await expect(deserializeForecaster(files)).rejects.toThrow(/modelTopology and one weightsManifest/);
  });
});
