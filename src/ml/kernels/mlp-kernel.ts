/**
 * Loader of mlp-kernel.wasm (built from mlp-kernel.c by scripts/build-kernels.sh): dense layers,
 * tanh / ReLU, squared norm, Adam, Polyak averaging and SAC's squashed-Gaussian sample (and its
 * backward) for the agents' small networks, called per
 * layer from JS with no tfjs op in between. The module is compiled once; each trainer gets its own
 * instance (its own memory, freed with it), so two trainings in one process never share buffers.
 * The .wasm is read from beside this file, which `npm ci --omit=dev` and the trainer container
 * both ship (src/ is run as is); the API bundle never trains, so it never loads it.
 */
import { fileURLToPath } from 'node:url';
import { compileKernel } from './kernel-memory.ts';

/** The C functions, with pointers as byte offsets into `memory`. */
export interface MlpKernelExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  dense_forward(x: number, w: number, b: number, y: number, n: number, inDim: number, outDim: number): void;
  dense_backward_weights(x: number, dy: number, dw: number, db: number, n: number, inDim: number, outDim: number, accumulate: number): void;
  dense_backward_input(dy: number, w: number, dx: number, scratch: number, n: number, inDim: number, outDim: number, from: number, to: number): void;
  tanh_forward(y: number, count: number): void;
  tanh_backward(dy: number, y: number, count: number): void;
  relu_forward(y: number, count: number): void;
  relu_backward(dy: number, y: number, count: number): void;
  sum_squares(g: number, count: number): number;
  adam_step(p: number, g: number, m: number, v: number, count: number, scale: number, lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): void;
  polyak(target: number, online: number, count: number, tau: number): void;
  squash_sample(heads: number, eps: number, n: number, actDim: number, scale: number, lo: number, half: number, halfLog2Pi: number, squashEps: number, out: number, outStride: number, logp: number, squashed: number, noiseScaled: number, rawTanh: number, terms: number): void;
  squash_backward(dAction1: number, dAction2: number, squashed: number, noiseScaled: number, rawTanh: number, n: number, actDim: number, scale: number, half: number, squashEps: number, dLogp: number, dHeads: number): void;
}

let compiled: WebAssembly.Module | undefined;

/** A fresh instance of the kernel (synchronous: the module is small and compiled once per process). */
export function instantiateMlpKernel(): MlpKernel {
  compiled ??= compileKernel(fileURLToPath(new URL('./mlp-kernel.wasm', import.meta.url)));
  return new MlpKernel(new WebAssembly.Instance(compiled, {}).exports as unknown as MlpKernelExports);
}

/** One kernel instance and the float32 arrays allocated in its memory. */
export class MlpKernel {
  constructor(readonly fn: MlpKernelExports) {}

  /** A zeroed array of `length` floats in the kernel's memory. */
  array(length: number): KernelArray {
    const ptr = this.fn.alloc(Math.max(1, length) * 4);
    if (ptr === 0) throw new Error(`mlp kernel: out of memory allocating ${length} floats`);
    return new KernelArray(this.fn.memory, ptr, length);
  }
}

/** A float32 array living in a kernel's memory: `ptr` for the C side, `view` for JS. */
export class KernelArray {
  private cached: Float32Array | undefined;

  constructor(
    private readonly memory: WebAssembly.Memory,
    readonly ptr: number,
    readonly length: number,
  ) {}

  /** A view onto the array (made again when the memory has grown, which detaches old views). */
  get view(): Float32Array {
    if (!this.cached || this.cached.buffer !== this.memory.buffer) this.cached = new Float32Array(this.memory.buffer, this.ptr, this.length);
    return this.cached;
  }

  /** Elements [from, from + length) as an array of their own (a pointer into the same memory). */
  slice(from: number, length: number): KernelArray {
    if (from < 0 || from + length > this.length) throw new Error(`kernel array slice [${from}, ${from + length}) outside its ${this.length} floats`);
    return new KernelArray(this.memory, this.ptr + 4 * from, length);
  }
}
