import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { mulberry32, shuffledIndices } from '../../src/ml/random.ts';
import { StandardScaler } from '../../src/ml/scaler.ts';

describe('backend', () => {
  it('picks wasm here (tfjs-node-gpu and tfjs-node are not installed), logs why once, and never the cpu backend', async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    const first = await initBackend((l) => lines.push(l));
    const second = await initBackend((l) => lines.push(l));
    // Assess
    expect(first).toBe('wasm');
    expect(second).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2)).toEqual(['backend: not @tensorflow/tfjs-node-gpu: not installed', 'backend: not @tensorflow/tfjs-node: not installed']);
    expect(lines[2]).toMatch(/^backend: wasm .*simd=true/);
  });

  it('multiplies transposed matrices correctly with the patched wasm kernel', async () => {
    // Prepare
    await initBackend();
    const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]); // 2×3
    const b = tf.tensor2d([[1, 0], [0, 1], [1, 1]]); // 3×2
    // Act
    const aTb = tf.matMul(a, a, true, false); // 3×3 = aᵀa
    const abT = tf.matMul(b, b, false, true); // 3×3 = b bᵀ
    // Assess
    expect(aTb.arraySync()).toEqual([[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
    expect(abT.arraySync()).toEqual([[1, 0, 1], [0, 1, 1], [1, 1, 2]]);
    tf.dispose([a, b, aTb, abT]);
  });

  it('slices, unstacks and splits correctly with the in-place wasm slice kernels', async () => {
    // Prepare: a 2×3×4 tensor of 0..23 and the same data as nested arrays.
    await initBackend();
    const values = [...Array(24).keys()];
    const x = tf.tensor3d(values, [2, 3, 4]);
    const at = (i: number, j: number, k: number) => i * 12 + j * 4 + k;
    const before = tf.memory().numTensors;
    // Act
    const sliced = tf.slice(x, [1, 1, 1], [1, 2, 2]).arraySync();
    const contiguous = tf.slice(x, [1, 0, 0], [1, 3, 4]).arraySync();
    const unstacked = tf.unstack(x, 1).map((t) => t.arraySync());
    const split = tf.split(x, [1, 3], 2).map((t) => t.arraySync());
    const ints = tf.unstack(tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32'), 1).map((t) => t.arraySync());
    // Assess
    expect(sliced).toEqual([[[at(1, 1, 1), at(1, 1, 2)], [at(1, 2, 1), at(1, 2, 2)]]]);
    expect(contiguous).toEqual([[0, 1, 2].map((j) => [0, 1, 2, 3].map((k) => at(1, j, k)))]);
    expect(unstacked).toEqual([0, 1, 2].map((j) => [0, 1].map((i) => [0, 1, 2, 3].map((k) => at(i, j, k)))));
    expect(split[0]).toEqual([0, 1].map((i) => [0, 1, 2].map((j) => [at(i, j, 0)])));
    expect(split[1]).toEqual([0, 1].map((i) => [0, 1, 2].map((j) => [1, 2, 3].map((k) => at(i, j, k)))));
    expect(ints).toEqual([[1, 3], [2, 4]]);
    expect(tf.memory().numTensors).toBe(before + 2 + 3 + 2 + 1 + 2); // the results (and the int input) only
    x.dispose();
  });
});

describe('seeded random', () => {
  it('repeats the same stream and shuffle for the same seed, and differs for another', () => {
    // Act
    const a = shuffledIndices(50, mulberry32(11));
    const b = shuffledIndices(50, mulberry32(11));
    const c = shuffledIndices(50, mulberry32(12));
    // Assess
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    const r = mulberry32(5);
    const values = Array.from({ length: 1000 }, r);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(Math.abs(values.reduce((s, v) => s + v, 0) / 1000 - 0.5)).toBeLessThan(0.05);
  });
});

describe('standard scaler', () => {
  it('fits per channel over every row, transforms, and round-trips through JSON', () => {
    // Prepare: two windows of 2 rows × 2 channels; channel 1 is constant.
    const windows = [Float32Array.from([1, 5, 3, 5]), Float32Array.from([5, 5, 7, 5])];
    // Act
    const scaler = StandardScaler.fit(windows, 2);
    const restored = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler.toJSON())));
    // Assess
    expect(scaler.mean).toEqual([4, 5]);
    expect(scaler.std[0]).toBeCloseTo(Math.sqrt(5), 12);
    expect(scaler.std[1]).toBe(1);
    expect([...restored.transform(Float32Array.from([4 + Math.sqrt(5), 6]))].map((v) => +v.toFixed(5))).toEqual([1, 1]);
    expect(() => StandardScaler.fromJSON({ kind: 'standard', channels: 1, mean: [0], std: [0] })).toThrow(/not a valid standard scaler/);
  });
});
