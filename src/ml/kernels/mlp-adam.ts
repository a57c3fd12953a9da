/**
 * Adam on a flat parameter array in the mlp kernel's memory, with tfjs's AdamOptimizer arithmetic
 * (ε added to √v̂) and state (iteration count, first and second moments), so that its state can be
 * read from and written as tfjs's `getWeights()` order: [iterations, m, v].
 */
import type { KernelArray, MlpKernel } from './mlp-kernel.ts';

export class KernelAdam {
  readonly m: KernelArray;
  readonly v: KernelArray;
  /** Steps taken (tfjs's `iterations`). */
  iterations = 0;

  constructor(
    private readonly kernel: MlpKernel,
    readonly params: KernelArray,
    readonly grads: KernelArray,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
  ) {
    this.m = kernel.array(params.length);
    this.v = kernel.array(params.length);
  }

  /** Σ g² over the gradients (for global-norm clipping over several networks). */
  sumOfSquares(): number {
    return this.kernel.fn.sum_squares(this.grads.ptr, this.grads.length);
  }

  /** √(Σ g²) over the gradients (for global-norm clipping). */
  gradientNorm(): number {
    return Math.sqrt(this.sumOfSquares());
  }

  /** One step on `scale` × the gradients. */
  step(learningRate: number, scale = 1): void {
    this.iterations++;
    const c1 = 1 - Math.fround(this.beta1 ** this.iterations);
    const c2 = 1 - Math.fround(this.beta2 ** this.iterations);
    this.kernel.fn.adam_step(this.params.ptr, this.grads.ptr, this.m.ptr, this.v.ptr, this.params.length, scale, learningRate, this.beta1, this.beta2, this.epsilon, c1, c2);
  }
}
