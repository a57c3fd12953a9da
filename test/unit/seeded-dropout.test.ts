/** SeededDropout's masks: inverted dropout at the asked rate, a fresh mask per training call, reproducible from the seed. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { dropoutMaskKernel, hashedDropoutMask } from '../../src/ml/kernels/dropout-mask.ts';
import { dropoutMask } from '../../src/ml/kernels/hashed-dropout.ts';
import { mulberry32, nextSeed } from '../../src/ml/random.ts';
import { SeededDropout } from '../../src/ml/seeded-dropout.ts';

describe('seeded dropout', () => {
  it('keeps 1 − rate of the elements, scaled by 1 / (1 − rate), the same for the same seed; the wasm kernel gives the TypeScript loop\'s values', () => {
    expect(dropoutMaskKernel()).not.toBeNull();
    // 100,001: not a multiple of the kernel's 4 lanes.
    const mask = hashedDropoutMask(7, 100_001, 0.2);
    expect(mask).toEqual(dropoutMask(7, 1, 100_001, 0.2));
    expect(new Set(mask)).toEqual(new Set([0, 1.25]));
    // 80,000 expected; the binomial's std is ~126.
    expect(Math.abs(mask.filter((v) => v !== 0).length - 80_001)).toBeLessThan(800);
    expect(hashedDropoutMask(7, 100_001, 0.2)).toEqual(mask);
    expect(hashedDropoutMask(8, 100_001, 0.2)).not.toEqual(mask);
    // Any slice is computed alone (so a batch split over threads draws the batch's mask), for any seed.
    for (const [seed, rows, width, row0, rate] of [[123, 7, 16, 0, 0.2], [2 ** 31 - 5, 5, 40, 11, 0.5], [9, 64, 128, 300, 0.1]]) {
      expect(dropoutMaskKernel()!.mask(seed, row0 * width, rows * width, rate)).toEqual(dropoutMask(seed, rows, width, rate, row0));
    }
    expect(dropoutMask(9, 10, 1000, 0.3).subarray(3000)).toEqual(dropoutMask(9, 7, 1000, 0.3, 3));
  });

  it('draws the same masks in TypeScript, with one warning, where the wasm module cannot load', async () => {
    const dir = process.env.MIZAN_KERNELS_DIR;
    process.env.MIZAN_KERNELS_DIR = mkdtempSync(join(tmpdir(), 'mizan-no-kernels-'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      vi.resetModules();
      const fresh = await import('../../src/ml/kernels/dropout-mask.ts');
      expect(fresh.hashedDropoutMask(5, 1001, 0.25)).toEqual(dropoutMask(5, 1, 1001, 0.25));
      expect(fresh.hashedDropoutMask(6, 10, 0.25)).toEqual(dropoutMask(6, 1, 10, 0.25));
      expect(fresh.dropoutMaskKernel()).toBeNull();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/^dropout mask kernel unavailable, drawing the masks in TypeScript: .*dropout-mask\.wasm/);
    } finally {
      warn.mockRestore();
      if (dir === undefined) delete process.env.MIZAN_KERNELS_DIR;
      else process.env.MIZAN_KERNELS_DIR = dir;
    }
  });

  it('draws each training call\'s mask from the next seed of mulberry32(seed)', async () => {
    await initBackend();
    const x = tf.ones([3, 70]);
    const y = new SeededDropout({ rate: 0.4, seed: 11 }).apply(x, { training: true }) as tf.Tensor;
    expect(y.dataSync()).toEqual(dropoutMask(nextSeed(mulberry32(11)), 1, 210, 0.4));
    tf.dispose([x, y]);
  });

  it('draws a new mask on every training call, repeats the sequence for the same seed, and is the identity outside training', async () => {
    await initBackend();
    const x = tf.ones([4, 50]);
    const calls = (seed: number) => {
      const layer = new SeededDropout({ rate: 0.5, seed });
      return [0, 1].map(() => (layer.apply(x, { training: true }) as tf.Tensor).dataSync().slice());
    };
    const [first, second] = calls(3);
    expect(first).not.toEqual(second);
    expect(calls(3)).toEqual([first, second]);
    expect(new Set(first)).toEqual(new Set([0, 2]));
    const inference = new SeededDropout({ rate: 0.5, seed: 3 }).apply(x) as tf.Tensor;
    expect(Array.from(inference.dataSync())).toEqual(Array(200).fill(1));
    tf.dispose([x, inference]);
  });
});
