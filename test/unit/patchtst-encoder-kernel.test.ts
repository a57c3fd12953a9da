import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { encoderKernelPath, loadEncoderKernel, type EncoderKernel } from '../../src/ml/kernels/patchtst-encoder.ts';
import { ParallelEncoderKernel, SerialSplitEncoderKernel } from '../../src/ml/kernels/patchtst-encoder-parallel.ts';
import { mulberry32 } from '../../src/ml/random.ts';
import { encoderFused, encoderOps, type BlockDropout } from '../../src/models/forecasters/patchtst/encoder-block.ts';
import { dropoutMask } from '../../src/ml/kernels/hashed-dropout.ts';
import { buildPatchTstModel, type PatchTstArchitecture } from '../../src/models/forecasters/patchtst/patchtst-model.ts';

/**
 * The layer in plain tfjs ops, every gradient by tfjs's own autodiff (no custom gradients): matMul,
 * softmax, moments, erf. Weights in the kernel's order; masks as tensors or none.
 */
function reference(x: tf.Tensor2D, w: tf.Tensor[], S: number, heads: number, masks: tf.Tensor[] | null): tf.Tensor {
  const [T, d] = x.shape;
  const depth = d / heads;
  const N = T / S;
  const [wq, wk, wv, wo, bq, bk, bv, bo, g1, be1, w1, c1, w2, c2, g2, be2] = w;
  const dense = (a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.add(tf.matMul(a as tf.Tensor2D, k as tf.Tensor2D), b);
  const heads4 = (t: tf.Tensor) => tf.transpose(t.reshape([N, S, heads, depth]), [0, 2, 1, 3]).reshape([N * heads, S, depth]) as tf.Tensor3D;
  const [q, k, v] = [heads4(dense(x, wq, bq)), heads4(dense(x, wk, bk)), heads4(dense(x, wv, bv))];
  const context = tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(depth))), v);
  const merged = tf.transpose(context.reshape([N, heads, S, depth]), [0, 2, 1, 3]).reshape([T, d]);
  const drop = (t: tf.Tensor, i: number) => (masks ? tf.mul(t, masks[i]) : t);
  const norm = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(t, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
  };
  const h1 = norm(tf.add(x, drop(dense(merged, wo, bo), 0)), g1, be1);
  const u = dense(h1, w1, c1);
  const gelu = tf.mul(tf.mul(u, 0.5), tf.add(1, tf.erf(tf.mul(u, Math.SQRT1_2))));
  return norm(tf.add(h1, drop(dense(drop(gelu, 1), w2, c2), 2)), g2, be2);
}

function weights(d: number, ff: number, seed: number): tf.Tensor[] {
  const shapes = [[d, d], [d, d], [d, d], [d, d], [d], [d], [d], [d], [d], [d], [d, ff], [ff], [ff, d], [d], [d], [d]];
  return shapes.map((shape, i) => {
    const scale = shape.length === 2 ? 1 / Math.sqrt(shape[0]) : 0.3;
    const t = tf.randomNormal(shape, 0, scale, 'float32', seed + i);
    return i === 8 || i === 14 ? tf.add(t, 1) : t; // gains near 1
  });
}

/** The output, and the gradients of Σ output·r w.r.t. x and every weight. */
function valueAndGrads(f: (x: tf.Tensor2D, w: tf.Tensor[]) => tf.Tensor, x: tf.Tensor2D, w: tf.Tensor[]): number[][] {
  return tf.tidy(() => {
    const r = tf.randomNormal(x.shape, 0, 1, 'float32', 99);
    const { value, grads } = tf.valueAndGrads((...inputs: tf.Tensor[]) => tf.sum(tf.mul(f(inputs[0] as tf.Tensor2D, inputs.slice(1)), r)))([x, ...w]);
    return [Array.from(f(x, w).dataSync()), [value.dataSync()[0]], ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

function expectClose(actual: number[][], expected: number[][], tolerance = 1e-4): void {
  expect(actual.map((a) => a.length)).toEqual(expected.map((e) => e.length));
  actual.forEach((a, i) => {
    // The key bias's gradient is zero in exact arithmetic (softmax ignores a shift of every score):
    // each gradient's rounding is measured against at least the input gradient's scale.
    const scale = Math.max(...expected[i].map(Math.abs), i >= 2 ? Math.max(...expected[2].map(Math.abs)) : 0);
    let worst = 0;
    a.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - expected[i][j]))));
    expect(worst, `array ${i}`).toBeLessThan(tolerance * scale);
  });
}

const CASES = [
  { N: 13, S: 8, d: 16, H: 2, ff: 32 },
  { N: 6, S: 7, d: 24, H: 3, ff: 40 },
];

describe('fused PatchTST encoder layer (wasm kernel)', () => {
  it('gives the values and gradients of tfjs autodiff on the same layer, with and without dropout, on one thread and two, bit-identically run to run', async () => {
    await initBackend();
    expect(tf.getBackend()).toBe('wasm');
    const here = loadEncoderKernel();
    const two = new ParallelEncoderKernel(loadEncoderKernel(), encoderKernelPath());
    const kernels: EncoderKernel[] = [here, two];
    for (const { N, S, d, H, ff } of CASES) {
      const x = tf.randomNormal([N * S, d], 0, 1, 'float32', 5) as tf.Tensor2D;
      const w = weights(d, ff, 20);
      for (const dropout of [null, { seeds: [11, 22, 33], rate: 0.2 } satisfies BlockDropout]) {
        const masks = dropout && [d, ff, d].map((width, i) => tf.tensor2d(dropoutMask(dropout.seeds[i], N * S, width, dropout.rate), [N * S, width]));
        const expected = valueAndGrads((x_, w_) => reference(x_, w_, S, H, masks), x, w);
        const results = kernels.map((kernel) => valueAndGrads((x_, w_) => encoderFused(kernel, x_, w_, S, H, dropout, true, {}), x, w));
        for (const result of results) expectClose(result, expected);
        expect(valueAndGrads((x_, w_) => encoderFused(kernels[1], x_, w_, S, H, dropout, true, {}), x, w)).toEqual(results[1]);
        expect(valueAndGrads((x_, w_) => encoderFused(here, x_, w_, S, H, dropout, true, {}), x, w)).toEqual(results[0]);
        // One thread as trainers run it (the same split, here): the same bits as two threads.
        expect(valueAndGrads((x_, w_) => encoderFused(new SerialSplitEncoderKernel(loadEncoderKernel()), x_, w_, S, H, dropout, true, {}), x, w)).toEqual(results[1]);
        // The tfjs ops path (what other backends run) is the same layer too.
        expectClose(valueAndGrads((x_, w_) => encoderOps(x_, w_, S, H, dropout), x, w), expected);
        tf.dispose(masks ?? []);
      }
      tf.dispose([x, ...w]);
    }
    await two.close();
  });

  it('trains a PatchTST model on wasm (kernel) as on cpu (tfjs ops), dropout included', async () => {
    await initBackend();
    const arch: PatchTstArchitecture = { patchLength: 4, stride: 4, dModel: 16, heads: 2, encoderLayers: 2, feedForward: 32, dropout: 0.2 };
    const input = { lookbackDays: 16, channels: 4, instanceNormChannels: [0, 1, 2] };
    const rng = mulberry32(3);
    const xs = Float32Array.from({ length: 24 * 16 * 4 }, () => rng() * 2 - 1);
    const ys = Float32Array.from({ length: 24 }, () => rng() - 0.5);
    const run = async () => {
      const model = buildPatchTstModel(arch, input, 5, 1e-2);
      const x = tf.tensor3d(xs, [24, 16, 4]);
      const y = tf.tensor2d(ys, [24, 1]);
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) losses.push((await model.trainOnBatch(x, y)) as number);
      const predicted = Array.from((model.predict(x) as tf.Tensor).dataSync());
      tf.dispose([x, y]);
      model.dispose();
      return [losses, predicted];
    };
    const onWasm = await run();
    expect(await run()).toEqual(onWasm);
    await tf.setBackend('cpu');
    try {
      expectClose(await run(), onWasm, 1e-3);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
