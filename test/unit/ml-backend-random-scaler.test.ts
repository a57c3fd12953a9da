import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { mulberry32, shuffledIndices } from '../../src/ml/random.ts';
import { StandardScaler } from '../../src/ml/scaler.ts';

describe('backend', () => {
  it('picks wasm here (tfjs-node is not installed), logs it once, and never the cpu backend', async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    const first = await initBackend((l) => lines.push(l));
    const second = await initBackend((l) => lines.push(l));
    // Assess
    expect(first).toBe('wasm');
    expect(second).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^backend: wasm .*simd=true/);
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
