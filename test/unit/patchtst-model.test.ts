import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { mulberry32 } from '../../src/ml/random.ts';
import { buildPatchTstModel, PATCHTST_SEED_ARCHITECTURE, type PatchTstArchitecture } from '../../src/models/forecasters/patchtst/patchtst-model.ts';

const TINY: PatchTstArchitecture = { patchLength: 4, stride: 4, dModel: 8, heads: 2, encoderLayers: 2, feedForward: 16, dropout: 0.1 };
const TINY_INPUT = { lookbackDays: 16, channels: 4, instanceNormChannels: [0, 1, 2] };

function gaussianBatch(samples: number, seed: number): { xs: Float32Array; ys: Float32Array } {
  const rng = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const { lookbackDays: days, channels } = TINY_INPUT;
  const xs = Float32Array.from({ length: samples * days * channels }, gaussian);
  // Target: the sum of channel 3's last 5 days (a pass-through channel), scaled to unit variance.
  const ys = Float32Array.from({ length: samples }, (_, s) => {
    let sum = 0;
    for (let d = days - 5; d < days; d++) sum += xs[(s * days + d) * channels + 3];
    return sum / Math.sqrt(5);
  });
  return { xs, ys };
}

function tensors(samples: number, seed: number): [tf.Tensor3D, tf.Tensor2D] {
  const { xs, ys } = gaussianBatch(samples, seed);
  return [tf.tensor3d(xs, [samples, TINY_INPUT.lookbackDays, TINY_INPUT.channels]), tf.tensor2d(ys, [samples, 1])];
}

async function weightBytes(model: tf.LayersModel): Promise<Uint8Array[]> {
  return Promise.all(model.getWeights().map(async (w) => new Uint8Array((await w.data()).buffer.slice(0))));
}

async function saveAndLoad(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
  const json = JSON.parse(JSON.stringify(artifacts!.modelTopology)) as object; // through text, as model.json would be
  const weightData = new tf.io.CompositeArrayBuffer(artifacts!.weightData!).slice();
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json, weightSpecs: artifacts!.weightSpecs!, weightData }));
}

describe('PatchTST model', () => {
  it('maps [batch, 60, 11] to [batch, 1] with the seed architecture; the stride changes the patches', async () => {
    // Prepare
    await initBackend();
    const input = { lookbackDays: 60, channels: 11, instanceNormChannels: [0, 1, 2, 3, 4] };
    const x = tf.randomNormal([2, 60, 11], 0, 1, 'float32', 5);
    // Act
    const seedModel = buildPatchTstModel(PATCHTST_SEED_ARCHITECTURE, input, 1, 1e-3);
    const halfStride = buildPatchTstModel({ ...PATCHTST_SEED_ARCHITECTURE, stride: 4 }, input, 1, 1e-3);
    const y = seedModel.predict(x) as tf.Tensor;
    // Assess
    expect(y.shape).toEqual([2, 1]);
    expect(seedModel.getLayer('patching').outputShape).toEqual([null, 11, 8, 8]);
    expect(halfStride.getLayer('patching').outputShape).toEqual([null, 11, 15, 8]);
    expect(seedModel.getLayer('weekly_return').getWeights()[0].shape).toEqual([11 * 8 * 64, 1]);
    expect(halfStride.getLayer('weekly_return').getWeights()[0].shape).toEqual([11 * 15 * 64, 1]);
    expect(seedModel.optimizer).toBeInstanceOf(tf.AdamOptimizer);
    expect((seedModel as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned).toBe(true);
    expect(() => buildPatchTstModel({ ...PATCHTST_SEED_ARCHITECTURE, heads: 5 }, input, 1, 1e-3)).toThrow(/divisible by heads/);
    expect(() => buildPatchTstModel(PATCHTST_SEED_ARCHITECTURE, { ...input, lookbackDays: 0 }, 1, 1e-3)).toThrow(/lookback must be a positive integer/);
    tf.dispose([x, y]);
    seedModel.dispose();
    halfStride.dispose();
  });

  it('saves to model.json + weights and reloads to identical predictions', async () => {
    // Prepare
    await initBackend();
    const model = buildPatchTstModel(TINY, TINY_INPUT, 3, 1e-2);
    const [x, y] = tensors(16, 1);
    await model.trainOnBatch(x, y); // not the initial weights: trained ones must round-trip
    // Act
    const loaded = await saveAndLoad(model);
    const before = model.predict(x) as tf.Tensor;
    const after = loaded.predict(x) as tf.Tensor;
    // Assess
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(expect.arrayContaining(['PriceRevIn', 'Patching', 'PositionalEmbedding', 'PatchTstEncoderLayer', 'SeededDropout']));
    expect(Array.from(await after.data())).toEqual(Array.from(await before.data()));
    tf.dispose([x, y, before, after]);
    model.dispose();
    loaded.dispose();
  });

  it('is seeded: the same seed gives byte-identical weights and identical training (dropout included), another seed differs', async () => {
    // Prepare
    await initBackend();
    const [a, b, c] = [7, 7, 8].map((seed) => buildPatchTstModel(TINY, TINY_INPUT, seed, 1e-2));
    const [x, y] = tensors(16, 2);
    // Act
    const initial = await Promise.all([a, b, c].map(weightBytes));
    const losses: number[][] = [[], []];
    for (let step = 0; step < 3; step++) {
      losses[0].push((await a.trainOnBatch(x, y)) as number);
      losses[1].push((await b.trainOnBatch(x, y)) as number);
    }
    // Assess
    expect(initial[1]).toEqual(initial[0]);
    expect(initial[2]).not.toEqual(initial[0]);
    expect(losses[1]).toEqual(losses[0]);
    expect(await weightBytes(b)).toEqual(await weightBytes(a));
    expect(await weightBytes(a)).not.toEqual(initial[0]);
    tf.dispose([x, y]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('leaks no tensors across training steps and predictions', async () => {
    // Prepare
    await initBackend();
    const model = buildPatchTstModel(TINY, TINY_INPUT, 4, 1e-2);
    const [x, y] = tensors(16, 3);
    await model.trainOnBatch(x, y); // creates the Adam moments
    const before = tf.memory().numTensors;
    // Act
    for (let step = 0; step < 4; step++) await model.trainOnBatch(x, y);
    tf.dispose(model.predict(x) as tf.Tensor);
    // Assess
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('fits a simple function of a pass-through channel well below the predict-zero MSE', async () => {
    // Prepare
    await initBackend();
    const model = buildPatchTstModel({ ...TINY, dropout: 0 }, TINY_INPUT, 5, 3e-3);
    const [x, y] = tensors(256, 4);
    const zeroMse = (await tf.tidy(() => y.square().mean()).data())[0];
    // Act
    await model.fit(x, y, { batchSize: 32, epochs: 25, shuffle: false, verbose: 0 });
    const mse = tf.tidy(() => (model.evaluate(x, y) as tf.Scalar).dataSync()[0]);
    // Assess
    expect(zeroMse).toBeGreaterThan(0.5);
    expect(mse).toBeLessThan(0.25 * zeroMse);
    tf.dispose([x, y]);
    model.dispose();
  });
});
