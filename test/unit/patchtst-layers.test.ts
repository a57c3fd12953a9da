import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { patchCount, validateArchitecture, PATCHTST_SEED_ARCHITECTURE } from '../../src/models/forecasters/patchtst/architecture.ts';
import { Patching } from '../../src/models/forecasters/patchtst/patching.ts';
import { PriceRevIn } from '../../src/models/forecasters/patchtst/revin.ts';

describe('PatchTST patching', () => {
  it('counts patches over the end-padded window: 60 days at 8/8 give 8, a smaller stride gives more', () => {
    expect(patchCount(60, 8, 8)).toBe(8);
    expect(patchCount(60, 8, 4)).toBe(15);
    expect(patchCount(10, 4, 3)).toBe(4);
    expect(() => patchCount(60, 8, 0)).toThrow(/stride must be a positive integer/);
    expect(() => patchCount(4, 9, 4)).toThrow(/exceeds the padded window/);
  });

  it('cuts each channel into patches every `stride` days, the end padded with copies of the last day', async () => {
    // Prepare: 10 days × 2 channels; channel 0 holds the day index, channel 1 its negative.
    await initBackend();
    const days = Array.from({ length: 10 }, (_, d) => [d, -d]);
    const x = tf.tensor3d([days]);
    // Act
    const byThree = new Patching({ patchLength: 4, stride: 3 }).apply(x) as tf.Tensor;
    const byFour = new Patching({ patchLength: 4, stride: 4 }).apply(x) as tf.Tensor;
    // Assess
    expect(byThree.shape).toEqual([1, 2, 4, 4]);
    expect((byThree.arraySync() as number[][][][])[0][0]).toEqual([[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9], [9, 9, 9, 9]]);
    expect((byThree.arraySync() as number[][][][])[0][1][3]).toEqual([-9, -9, -9, -9]);
    expect(byFour.shape).toEqual([1, 2, 3, 4]);
    expect((byFour.arraySync() as number[][][][])[0][0]).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 9, 9]]);
    expect(new Patching({ patchLength: 8, stride: 4 }).computeOutputShape([null, 60, 11])).toEqual([null, 11, 15, 8]);
    tf.dispose([x, byThree, byFour]);
  });
});

describe('PatchTST RevIN on the price channels only', () => {
  it('normalises each sample\'s listed channels over time and passes the others through unchanged', async () => {
    // Prepare: channel 0 a price-like ramp, channel 1 a constant slow channel, channel 2 a step.
    await initBackend();
    const x = tf.tensor3d([Array.from({ length: 8 }, (_, d) => [100 + 2 * d, 0.7, d < 4 ? -1.25 : 0.5])]);
    const layer = new PriceRevIn({ channels: 3, instanceNormChannels: [0] });
    // Act
    const y = layer.apply(x) as tf.Tensor;
    const out = (y.arraySync() as number[][][])[0];
    // Assess
    const price = out.map((row) => row[0]);
    const mean = price.reduce((a, b) => a + b, 0) / price.length;
    const variance = price.reduce((a, b) => a + (b - mean) ** 2, 0) / price.length;
    expect(mean).toBeCloseTo(0, 5);
    expect(variance).toBeCloseTo(1, 3);
    expect(out.map((row) => row[1])).toEqual(new Array(8).fill(Math.fround(0.7)));
    expect(out.map((row) => row[2])).toEqual((x.arraySync() as number[][][])[0].map((row) => row[2]));
    expect(layer.getWeights().map((w) => w.shape)).toEqual([[1], [1]]);
    tf.dispose([x, y]);
    layer.weights.forEach((w) => w.dispose());
  });

  it('rejects channel indices out of range or listed twice', () => {
    expect(() => new PriceRevIn({ channels: 3, instanceNormChannels: [3] })).toThrow(/3 is not a channel index in \[0, 3\)/);
    expect(() => new PriceRevIn({ channels: 3, instanceNormChannels: [1, 1] })).toThrow(/1 is listed twice/);
  });
});

describe('PatchTST architecture', () => {
  it('holds the seed figures and rejects bad ones with the field named', () => {
    expect(PATCHTST_SEED_ARCHITECTURE).toEqual({ patchLength: 8, stride: 8, dModel: 64, heads: 4, encoderLayers: 4, feedForward: 128, dropout: 0.2 });
    expect(validateArchitecture({ ...PATCHTST_SEED_ARCHITECTURE })).toEqual(PATCHTST_SEED_ARCHITECTURE);
    expect(() => validateArchitecture({ ...PATCHTST_SEED_ARCHITECTURE, dModel: 66 })).toThrow(/dModel \(66\) must be divisible by heads \(4\)/);
    expect(() => validateArchitecture({ ...PATCHTST_SEED_ARCHITECTURE, encoderLayers: 1.5 })).toThrow(/encoderLayers must be a positive integer, got 1.5/);
    expect(() => validateArchitecture({ ...PATCHTST_SEED_ARCHITECTURE, feedForward: 0 })).toThrow(/feedForward must be a positive integer/);
    expect(() => validateArchitecture({ ...PATCHTST_SEED_ARCHITECTURE, dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
  });
});
