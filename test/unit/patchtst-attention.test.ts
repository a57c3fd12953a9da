import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { mulberry32 } from '../../src/ml/random.ts';
import { MultiHeadAttention } from '../../src/models/forecasters/patchtst/multi-head-attention.ts';

/** Self-attention by plain loops: x [batch][seq][d]; w/b in the layer's order (query, key, value, output). */
function handAttention(x: number[][][], kernels: number[][][], biases: number[][], heads: number): number[][][] {
  const d = x[0][0].length;
  const depth = d / heads;
  const project = (row: number[], w: number[][], b: number[]) => b.map((bias, j) => bias + row.reduce((s, v, i) => s + v * w[i][j], 0));
  return x.map((sequence) => {
    const [q, k, v] = [0, 1, 2].map((r) => sequence.map((row) => project(row, kernels[r], biases[r])));
    const context = sequence.map(() => new Array<number>(d).fill(0));
    for (let h = 0; h < heads; h++) {
      const cols = Array.from({ length: depth }, (_, c) => h * depth + c);
      for (let i = 0; i < sequence.length; i++) {
        const scores = sequence.map((_, j) => cols.reduce((s, c) => s + q[i][c] * k[j][c], 0) / Math.sqrt(depth));
        const top = Math.max(...scores);
        const weights = scores.map((s) => Math.exp(s - top));
        const total = weights.reduce((a, b) => a + b, 0);
        for (const c of cols) context[i][c] = sequence.reduce((s, _, j) => s + (weights[j] / total) * v[j][c], 0);
      }
    }
    return context.map((row) => project(row, kernels[3], biases[3]));
  });
}

describe('PatchTST multi-head attention', () => {
  it('matches a hand computation with its own weights (non-zero biases) to 1e-5', async () => {
    // Prepare
    await initBackend();
    const rng = mulberry32(3);
    const x = Array.from({ length: 2 }, () => Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => rng() * 2 - 1)));
    const layer = new MultiHeadAttention({ heads: 2, seed: 11 });
    layer.build([null, 3, 4]);
    // Random biases too, so the test covers them (they start at zero).
    tf.tidy(() => layer.setWeights(layer.getWeights().map((w) => (w.rank === 1 ? tf.tensor1d(Array.from({ length: w.size }, () => rng() - 0.5)) : w))));
    const values = layer.getWeights().map((w) => w.arraySync());
    const kernels = values.filter((_, i) => i % 2 === 0) as number[][][];
    const biases = values.filter((_, i) => i % 2 === 1) as number[][];
    // Act
    const input = tf.tensor3d(x);
    const output = layer.apply(input) as tf.Tensor;
    const actual = output.arraySync() as number[][][];
    // Assess
    expect(layer.weights.map((w) => w.name.split('/').pop())).toEqual([
      'query_kernel', 'query_bias', 'key_kernel', 'key_bias', 'value_kernel', 'value_bias', 'output_kernel', 'output_bias',
    ]);
    const expected = handAttention(x, kernels, biases, 2);
    expect(output.shape).toEqual([2, 3, 4]);
    actual.flat(2).forEach((value, i) => expect(value).toBeCloseTo(expected.flat(2)[i], 5));
    expect(Math.max(...actual.flat(2).map((v, i) => Math.abs(v - expected.flat(2)[i])))).toBeLessThan(1e-5);
    tf.dispose([input, output]);
    layer.weights.forEach((w) => w.dispose()); // an eagerly applied layer cannot be dispose()d
  });

  it('keeps the leading dims of a rank-4 input and rejects dModel not divisible by heads', async () => {
    // Prepare
    await initBackend();
    const input = tf.randomNormal([2, 3, 5, 6], 0, 1, 'float32', 1);
    // Act
    const output = new MultiHeadAttention({ heads: 3, seed: 1 }).apply(input) as tf.Tensor;
    // Assess
    expect(output.shape).toEqual([2, 3, 5, 6]);
    expect(() => new MultiHeadAttention({ heads: 4, seed: 1 }).apply(input)).toThrow(/dModel \(6\) must be divisible by heads \(4\)/);
    expect(() => new MultiHeadAttention({ heads: 0, seed: 1 })).toThrow(/heads must be a positive integer/);
    tf.dispose([input, output]);
  });
});
