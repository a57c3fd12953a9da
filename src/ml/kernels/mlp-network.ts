/**
 * A dense network (hidden activation tanh or ReLU, linear output) run by the mlp kernel: forward
 * keeps every layer's output for the backward pass that follows it. Parameters and gradients are
 * flat arrays laid out layer by layer as [w0 (in × out), b0, w1, b1, …], the order in which the
 * agents name and save their tensors, so one Adam call and one norm cover a whole network (or several
 * networks sharing one flat array).
 */
import type { KernelArray, MlpKernel } from './mlp-kernel.ts';

export type HiddenActivation = 'tanh' | 'relu';

/** How many floats a network of these layer sizes holds. */
export function parameterCount(sizes: readonly number[]): number {
  let count = 0;
  for (let i = 0; i + 1 < sizes.length; i++) count += sizes[i] * sizes[i + 1] + sizes[i + 1];
  return count;
}

export interface BackwardOptions {
  /** Write the weights' gradients into `grads` (overwriting them). */
  weightGrads: boolean;
  /** Also the gradient with respect to input columns [from, to), into `into` (n × (to − from)). */
  inputGrad?: { from: number; to: number; into: KernelArray };
}

export class KernelMlp {
  private readonly outputs: KernelArray[];
  private readonly deltas: KernelArray[];
  private readonly scratch: KernelArray;
  private input: KernelArray | undefined;
  private batch = 0;

  constructor(
    private readonly kernel: MlpKernel,
    readonly sizes: readonly number[],
    private readonly activation: HiddenActivation,
    /** This network's parameters (a slice of a larger flat array is fine). */
    readonly params: KernelArray,
    /** Their gradients, same layout. */
    readonly grads: KernelArray,
    readonly maxBatch: number,
  ) {
    if (params.length !== parameterCount(sizes) || grads.length !== params.length) throw new Error(`network [${sizes}] needs ${parameterCount(sizes)} parameters, got ${params.length} and ${grads.length} gradients`);
    const layers = sizes.length - 1;
    this.outputs = Array.from({ length: layers }, (_, l) => kernel.array(maxBatch * sizes[l + 1]));
    this.deltas = Array.from({ length: layers }, (_, l) => kernel.array(maxBatch * sizes[l + 1]));
    this.scratch = kernel.array(Math.max(...sizes.slice(0, -1).map((s, l) => s * sizes[l + 1])));
  }

  private weights(layer: number): { w: number; b: number; offset: number } {
    let offset = 0;
    for (let l = 0; l < layer; l++) offset += this.sizes[l] * this.sizes[l + 1] + this.sizes[l + 1];
    return { offset, w: 4 * offset, b: 4 * (offset + this.sizes[layer] * this.sizes[layer + 1]) };
  }

  /** The output (n × last size) for `x` (n × first size); x must stay as it is until backward. */
  forward(x: KernelArray, n: number): KernelArray {
    if (n > this.maxBatch) throw new Error(`batch of ${n} exceeds the network's ${this.maxBatch}`);
    const { fn } = this.kernel;
    this.input = x;
    this.batch = n;
    let h = x;
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const { w, b } = this.weights(l);
      const out = this.outputs[l];
      fn.dense_forward(h.ptr, this.params.ptr + w, this.params.ptr + b, out.ptr, n, this.sizes[l], this.sizes[l + 1]);
      if (l + 2 < this.sizes.length) (this.activation === 'tanh' ? fn.tanh_forward : fn.relu_forward)(out.ptr, n * this.sizes[l + 1]);
      h = out;
    }
    return h;
  }

  /** Backpropagates `dOut` (n × last size, the loss's gradient at the last forward's output). */
  backward(dOut: KernelArray, options: BackwardOptions): void {
    const { fn } = this.kernel;
    const n = this.batch;
    const last = this.sizes.length - 2;
    let delta = dOut;
    for (let l = last; l >= 0; l--) {
      const inDim = this.sizes[l];
      const outDim = this.sizes[l + 1];
      const { w, b } = this.weights(l);
      const input = l === 0 ? this.input! : this.outputs[l - 1];
      if (options.weightGrads) fn.dense_backward_weights(input.ptr, delta.ptr, this.grads.ptr + w, this.grads.ptr + b, n, inDim, outDim, 0);
      if (l > 0) {
        const below = this.deltas[l - 1];
        fn.dense_backward_input(delta.ptr, this.params.ptr + w, below.ptr, this.scratch.ptr, n, inDim, outDim, 0, inDim);
        (this.activation === 'tanh' ? fn.tanh_backward : fn.relu_backward)(below.ptr, this.outputs[l - 1].ptr, n * inDim);
        delta = below;
      } else if (options.inputGrad) {
        const { from, to, into } = options.inputGrad;
        fn.dense_backward_input(delta.ptr, this.params.ptr + w, into.ptr, this.scratch.ptr, n, inDim, outDim, from, to);
      }
    }
  }
}
