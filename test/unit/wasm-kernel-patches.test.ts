import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';

describe('wasm kernel patches', () => {
  it('Identity (every tensor saved for a gradient) shares the data: a clone outlives its source and keeps its values', async () => {
    await initBackend();
    expect(tf.getBackend()).toBe('wasm');
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(y.arraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    y.dispose();
    const before = tf.memory().numBytes;
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(a), a)))([tf.tensor1d([0.5, -1, 2])]);
    expect(value.dataSync()[0]).toBeCloseTo(0.5 / (1 + Math.exp(-0.5)) - 1 / (1 + Math.exp(1)) + 2 / (1 + Math.exp(-2)), 5);
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    Array.from(grads[0].dataSync()).forEach((g, i) => {
      const v = [0.5, -1, 2][i];
      expect(g).toBeCloseTo(s(v) + v * s(v) * (1 - s(v)), 5);
    });
    tf.dispose([value, ...grads]);
    expect(tf.memory().numBytes).toBeLessThanOrEqual(before + 12);
  });
});
