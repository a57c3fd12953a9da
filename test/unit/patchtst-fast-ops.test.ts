import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { addTrailing, gelu, layerNorm, linear, sumRows, transposeRows } from '../../src/models/forecasters/patchtst/fast-ops.ts';

/** Values and gradients of f(inputs)·r (a fixed random weighting, so every output element counts). */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): number[][] {
  return tf.tidy(() => {
    const r = tf.randomNormal(f(...inputs).shape, 0, 1, 'float32', 99);
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)))(inputs);
    return [Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.map((a) => a.length)).toEqual(expected.map((e) => e.length));
  actual.forEach((a, i) => a.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected[i][j])))));
}

describe('PatchTST fast ops (hand-written gradients)', () => {
  it('transposes and sums rows exactly like tf.transpose and tf.sum', async () => {
    await initBackend();
    for (const rows of [48, 7]) {
      const x = tf.randomNormal([rows, 5], 0, 1, 'float32', rows) as tf.Tensor2D;
      expect(transposeRows(x).arraySync()).toEqual(tf.transpose(x).arraySync());
      const sums = sumRows(x).arraySync();
      (tf.sum(x, 0).arraySync() as number[]).forEach((v, i) => expect(sums[i]).toBeCloseTo(v, 4));
    }
  });

  it('linear, layerNorm, addTrailing and gelu give the values and gradients of the plain tfjs formulas', async () => {
    await initBackend();
    const x = tf.randomNormal([3, 2, 4, 6], 0, 1, 'float32', 1);
    const w = tf.randomNormal([6, 5], 0, 1, 'float32', 2);
    const b = tf.randomNormal([5], 0, 1, 'float32', 3);
    const g = tf.randomNormal([6], 1, 0.3, 'float32', 4);
    const beta = tf.randomNormal([6], 0, 0.3, 'float32', 5);
    const e = tf.randomNormal([4, 6], 0, 1, 'float32', 6);
    const plainLinear = (x_: tf.Tensor, w_: tf.Tensor, b_: tf.Tensor) => tf.add(tf.matMul(x_.reshape([24, 6]), w_), b_).reshape([3, 2, 4, 5]);
    const plainNorm = (x_: tf.Tensor, g_: tf.Tensor, b_: tf.Tensor) => {
      const { mean, variance } = tf.moments(x_, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(x_, mean), tf.sqrt(tf.add(variance, 1e-5))), g_), b_);
    };
    expectClose(valueAndGrads(linear, [x, w, b]), valueAndGrads(plainLinear, [x, w, b]));
    expectClose(valueAndGrads((x_, g_, b_) => layerNorm(x_, g_, b_, 1e-5), [x, g, beta]), valueAndGrads(plainNorm, [x, g, beta]));
    expectClose(valueAndGrads(addTrailing, [x, e]), valueAndGrads(tf.add, [x, e]));
    const plainGelu = (x_: tf.Tensor) => tf.mul(x_, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x_, Math.SQRT2)))));
    expectClose(valueAndGrads(gelu, [x]), valueAndGrads(plainGelu, [x]));
    tf.dispose([x, w, b, g, beta, e]);
  });
});
