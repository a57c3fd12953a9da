/**
 * The mlp kernel against tfjs's own autodiff: the same network (tanh and ReLU hidden layers) on
 * random inputs gives the same outputs, weight gradients and input gradients to 1e-4 relative, and
 * one Adam step moves the weights as tfjs's AdamOptimizer does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { mulberry32 } from '../../src/ml/random.ts';
import { instantiateMlpKernel } from '../../src/ml/kernels/mlp-kernel.ts';
import { KernelMlp, parameterCount, type HiddenActivation } from '../../src/ml/kernels/mlp-network.ts';
import { KernelAdam } from '../../src/ml/kernels/mlp-adam.ts';

beforeAll(async () => {
  await initBackend();
});

function randoms(length: number, seed: number, spread = 1): Float32Array {
  const rng = mulberry32(seed);
  return Float32Array.from({ length }, () => spread * (2 * rng() - 1));
}

/** The largest |a − b| / max(|b|, 1 % of max |b|): relative, except where float32 sums cancel to near 0. */
function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-2 * scale, Math.abs(b[i])));
  return worst;
}

/** tfjs: the same network from the same flat parameters, its output and gradients of Σ out·dOut. */
function tfjsReference(sizes: number[], activation: HiddenActivation, flat: Float32Array, x: Float32Array, n: number, dOut: Float32Array) {
  return tf.tidy(() => {
    const params: tf.Tensor[] = [];
    let offset = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      params.push(tf.tensor2d(flat.slice(offset, offset + sizes[l] * sizes[l + 1]), [sizes[l], sizes[l + 1]]));
      offset += sizes[l] * sizes[l + 1];
      params.push(tf.tensor1d(flat.slice(offset, offset + sizes[l + 1])));
      offset += sizes[l + 1];
    }
    const input = tf.tensor2d(x, [n, sizes[0]]);
    const run = (xIn: tf.Tensor, ...ps: tf.Tensor[]) => {
      let h = xIn as tf.Tensor2D;
      for (let l = 0; l + 1 < sizes.length; l++) {
        h = tf.add(tf.matMul(h, ps[2 * l] as tf.Tensor2D), ps[2 * l + 1]);
        if (l + 2 < sizes.length) h = activation === 'tanh' ? tf.tanh(h) : tf.relu(h);
      }
      return h;
    };
    const out = run(input, ...params);
    const grads = tf.grads((xIn: tf.Tensor, ...ps: tf.Tensor[]) => tf.sum(tf.mul(run(xIn, ...ps), tf.tensor2d(dOut, out.shape as [number, number]))))([input, ...params]);
    return {
      out: out.dataSync() as Float32Array,
      dx: grads[0].dataSync() as Float32Array,
      dParams: Float32Array.from(grads.slice(1).flatMap((g) => Array.from(g.dataSync()))),
    };
  });
}

describe('the mlp kernel', () => {
  for (const activation of ['tanh', 'relu'] as const) {
    it(`gives tfjs's outputs and gradients for a ${activation} network (136 → 64 → 63 → 17, batch 37)`, () => {
      // Prepare: odd sizes on purpose, so the vector tiles, the scalar remainders and the padded tails all run.
      const sizes = [136, 64, 63, 17];
      const n = 37;
      const kernel = instantiateMlpKernel();
      const params = kernel.array(parameterCount(sizes));
      const grads = kernel.array(params.length);
      params.view.set(randoms(params.length, 1, 0.2));
      const net = new KernelMlp(kernel, sizes, activation, params, grads, 64);
      const x = kernel.array(n * sizes[0]);
      x.view.set(randoms(x.length, 2, 2));
      const dOut = kernel.array(n * 17);
      dOut.view.set(randoms(dOut.length, 3));
      const dx = kernel.array(n * 16);
      const expected = tfjsReference(sizes, activation, params.view.slice(), x.view.slice(), n, dOut.view.slice());
      // Act
      const out = net.forward(x, n).view.slice(0, n * 17);
      net.backward(dOut, { weightGrads: true, inputGrad: { from: 120, to: 136, into: dx } });
      // Assess
      expect(maxRelativeError(out, expected.out)).toBeLessThan(1e-4);
      expect(maxRelativeError(grads.view, expected.dParams)).toBeLessThan(1e-4);
      const expectedDx = Float32Array.from({ length: n * 16 }, (_, i) => expected.dx[Math.floor(i / 16) * 136 + 120 + (i % 16)]);
      expect(maxRelativeError(dx.view, expectedDx)).toBeLessThan(1e-4);
    });
  }

  it("takes tfjs's Adam step, three times in a row", () => {
    // Prepare
    const kernel = instantiateMlpKernel();
    const params = kernel.array(50);
    const grads = kernel.array(50);
    const start = randoms(50, 4);
    params.view.set(start);
    const adam = new KernelAdam(kernel, params, grads, 0.9, 0.999, 1e-5);
    const variable = tf.variable(tf.tensor1d(start));
    const optimizer = tf.train.adam(3e-3, 0.9, 0.999, 1e-5);
    // Act
    for (let step = 0; step < 3; step++) {
      const g = randoms(50, 10 + step);
      grads.view.set(g);
      adam.step(3e-3, 0.5);
      tf.tidy(() => optimizer.applyGradients([{ name: variable.name, tensor: tf.mul(tf.tensor1d(g), 0.5) }]));
    }
    // Assess
    expect(maxRelativeError(params.view, variable.dataSync())).toBeLessThan(1e-5);
    optimizer.dispose();
    variable.dispose();
  });
});
