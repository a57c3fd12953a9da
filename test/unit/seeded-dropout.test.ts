/** SeededDropout's masks: inverted dropout at the asked rate, a fresh mask per training call, reproducible from the seed. */
import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { mulberry32 } from '../../src/ml/random.ts';
import { dropoutMask, SeededDropout } from '../../src/ml/seeded-dropout.ts';

describe('seeded dropout', () => {
  it('keeps each element whose mulberry32 draw is ≥ rate, scaled by 1 / (1 − rate): 1 − rate of them, the same for the same seed', () => {
    const mask = dropoutMask(100_000, 0.2, 7);
    const kept = mask.filter((v) => v !== 0);
    expect(new Set(mask)).toEqual(new Set([0, 1.25]));
    // 80,000 expected; the binomial's std is ~126.
    expect(Math.abs(kept.length - 80_000)).toBeLessThan(800);
    const rng = mulberry32(7);
    expect(Array.from(mask, (v) => v !== 0)).toEqual(Array.from(mask, () => rng() >= 0.2));
    expect(dropoutMask(100_000, 0.2, 7)).toEqual(mask);
    expect(dropoutMask(100_000, 0.2, 8)).not.toEqual(mask);
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
