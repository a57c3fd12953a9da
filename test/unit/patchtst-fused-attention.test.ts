import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { attention, attentionOps } from '../../src/models/forecasters/patchtst/fused-attention.ts';

/** The output, and the gradients of Σ output·r w.r.t. q, k and v. */
function valueAndGrads(f: (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor3D, inputs: tf.Tensor3D[]): number[][] {
  return tf.tidy(() => {
    const r = tf.randomNormal(inputs[0].shape, 0, 1, 'float32', 99);
    const { value, grads } = tf.valueAndGrads((q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(f(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D), r)))(inputs);
    const out = f(inputs[0], inputs[1], inputs[2]);
    return [Array.from(out.dataSync()), Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.map((a) => a.length)).toEqual(expected.map((e) => e.length));
  actual.forEach((a, i) => {
    const scale = Math.max(...expected[i].map(Math.abs));
    a.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThan(1e-4 * scale));
  });
}

describe('fused attention (wasm kernel)', () => {
  it('gives the values and gradients of softmax(QKᵀ/√d)·V in tfjs ops, bit-identically run to run', async () => {
    await initBackend();
    expect(tf.getBackend()).toBe('wasm');
    for (const [N, S, D] of [
      [13, 8, 16],
      [5, 7, 8],
    ]) {
      const inputs = [1, 2, 3].map((seed) => tf.randomNormal([N, S, D], 0, 2, 'float32', seed) as tf.Tensor3D);
      const fused = valueAndGrads(attention, inputs);
      expectClose(fused, valueAndGrads(attentionOps, inputs));
      expect(valueAndGrads(attention, inputs)).toEqual(fused);
      tf.dispose(inputs);
    }
  });

  it('falls back to the same ops on the cpu backend', async () => {
    await initBackend();
    const inputs = [4, 5, 6].map((seed) => tf.randomNormal([3, 8, 16], 0, 1, 'float32', seed) as tf.Tensor3D);
    const onWasm = Array.from(attention(inputs[0], inputs[1], inputs[2]).dataSync());
    await tf.setBackend('cpu');
    try {
      expectClose([Array.from(attention(inputs[0], inputs[1], inputs[2]).dataSync())], [onWasm]);
    } finally {
      await tf.setBackend('wasm');
      tf.dispose(inputs);
    }
  });
});
