import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { loadLstmSequenceKernel, type LstmKernel } from '../../src/ml/kernels/lstm-sequence.ts';
import { kernelPath } from '../../src/ml/kernels/lstm-sequence.ts';
import { ParallelLstmKernel, SerialSplitLstmKernel } from '../../src/ml/kernels/lstm-sequence-parallel.ts';
import { FusedLstm } from '../../src/models/forecasters/lstm/fused-lstm-layer.ts';
import { LSTM_CONFIGS } from '../../src/models/forecasters/lstm/lstm-config.ts';
import { buildLstmModel } from '../../src/models/forecasters/lstm/lstm-model.ts';

const [B, T, I, H] = [37, 9, 5, 8];

function layerArgs(returnSequences: boolean, units = H) {
  return {
    units,
    returnSequences,
    recurrentActivation: 'sigmoid' as const,
    inputShape: [T, I],
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    recurrentInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    biasInitializer: tf.initializers.randomNormal({ seed: 3, stddev: 0.5 }),
  };
}

/** The output of layer(x), and the gradients of Σ output·r w.r.t. x, kernel, recurrent kernel and bias. */
function valueAndGrads(layer: tf.layers.Layer, x: tf.Tensor, r: tf.Tensor): number[][] {
  return tf.tidy(() => {
    const weights = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const out = Array.from((layer.apply(x) as tf.Tensor).dataSync());
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, r)) as tf.Scalar, weights);
    const dx = tf.grad((x_: tf.Tensor) => tf.sum(tf.mul(layer.apply(x_, { training: true }) as tf.Tensor, r)))(x);
    return [out, Array.from(dx.dataSync()), ...weights.map((w) => Array.from(grads[w.name].dataSync()))];
  });
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.map((a) => a.length)).toEqual(expected.map((e) => e.length));
  actual.forEach((a, i) => {
    const scale = Math.max(...expected[i].map(Math.abs));
    a.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThan(1e-4 * scale));
  });
}

describe('fused LSTM layer (whole-sequence wasm kernel)', () => {
  it('gives the outputs and gradients of tfjs’s own LSTM, for sequences and last states', async () => {
    await initBackend();
    expect(tf.getBackend()).toBe('wasm');
    // 12 units: the gates' last group of 4 runs apart from the pairs of groups.
    for (const [returnSequences, units] of [[true, H], [false, H], [true, 12]] as const) {
      const fused = new FusedLstm(layerArgs(returnSequences, units));
      const plain = tf.layers.lstm(layerArgs(returnSequences, units));
      const x = tf.randomNormal([B, T, I], 0, 1, 'float32', 5);
      const r = tf.randomNormal(returnSequences ? [B, T, units] : [B, units], 0, 1, 'float32', 6);
      fused.apply(x);
      plain.apply(x);
      plain.setWeights(fused.getWeights());
      expectClose(valueAndGrads(fused, x, r), valueAndGrads(plain, x, r));
      tf.dispose([x, r]);
    }
  });

  it('splits a batch over two threads with the same results as one thread', async () => {
    const x = Float32Array.from({ length: B * T * I }, (_, i) => Math.sin(i));
    const w = {
      W: Float32Array.from({ length: I * 4 * H }, (_, i) => 0.3 * Math.cos(i)),
      U: Float32Array.from({ length: H * 4 * H }, (_, i) => 0.2 * Math.sin(3 * i)),
      bias: Float32Array.from({ length: 4 * H }, (_, i) => 0.1 * Math.cos(7 * i)),
    };
    const dOut = Float32Array.from({ length: B * T * H }, (_, i) => Math.cos(5 * i));
    const run = (k: LstmKernel) => {
      const { out, record } = k.forward({ T, B, I, H }, x, w, true, true);
      const g = k.backward(record!, dOut, true);
      return [out, g.dx, g.dW, g.dU, g.dbias].map((a) => Array.from(a));
    };
    const one = run(loadLstmSequenceKernel());
    const two = new ParallelLstmKernel(loadLstmSequenceKernel(), kernelPath());
    const first = run(two);
    expectClose(first, one);
    // Per sample, the halves compute exactly what one thread does; only the weight-gradient sums regroup.
    expect(first.slice(0, 2)).toEqual(one.slice(0, 2));
    expect(run(two)).toEqual(first);
    // One thread as the runner uses it (the same split, here): the same bits as two, so a version's
    // weights do not depend on how many jobs shared the machine.
    expect(run(new SerialSplitLstmKernel(loadLstmSequenceKernel()))).toEqual(first);
    await two.close();
  });

  it('runs the same model on the wasm and cpu backends (tfjs’s own LSTM there) to the same predictions', async () => {
    await initBackend();
    const config = { ...LSTM_CONFIGS.smoke, lookbackDays: 12 };
    const model = buildLstmModel(config, I);
    const x = tf.randomNormal([20, 12, I], 0, 1, 'float32', 8);
    const onWasm = Array.from((model.predict(x) as tf.Tensor).dataSync());
    await tf.setBackend('cpu');
    try {
      const onCpu = Array.from((model.predict(x) as tf.Tensor).dataSync());
      expectClose([onWasm], [onCpu]);
    } finally {
      await tf.setBackend('wasm');
      model.dispose();
      x.dispose();
    }
  });

  it('trains bit-identically from the same seed, and saves the same weights layout as tfjs’s LSTM', async () => {
    await initBackend();
    const config = { ...LSTM_CONFIGS.smoke, hiddenUnits: 8, lookbackDays: 12 };
    const x = tf.randomNormal([64, 12, I], 0, 1, 'float32', 9);
    const y = tf.randomNormal([64, 1], 0, 1, 'float32', 10);
    const train = async () => {
      const model = buildLstmModel(config, I);
      for (let step = 0; step < 3; step++) await model.trainOnBatch(x, y);
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      const layers = model.toJSON(undefined, false) as unknown as { config: { layers: { class_name: string }[] } };
      model.dispose();
      return { weights, classes: layers.config.layers.map((l) => l.class_name) };
    };
    const a = await train();
    const b = await train();
    expect(b.weights).toEqual(a.weights);
    expect(a.classes).toEqual(['LSTM', 'SeededDropout', 'LSTM', 'SeededDropout', 'Dense']);
    tf.dispose([x, y]);
  });
});
