/**
 * Loader of dropout-mask.wasm (built from dropout-mask.c by scripts/build-kernels.sh): the hashed
 * dropout masks of hashed-dropout.ts, four lanes at a time. `hashedDropoutMask` runs here when the
 * module loads and falls back to the TypeScript loop (same values) when it does not.
 */
import { dropoutMask as dropoutMaskLoop, dropoutScale } from './hashed-dropout.ts';
import { alignedBytes, instantiateKernel, kernelFilePath, KernelHeap, type HeapExports } from './kernel-memory.ts';
import { kernelOnce } from './split-batch-worker.ts';

interface Exports extends HeapExports {
  dropout_mask(seed: number, start: number, n: number, rate: number, scale: number, out: number): void;
}

export class DropoutMaskKernel {
  private readonly heap: KernelHeap;

  constructor(private readonly k: Exports) {
    this.heap = new KernelHeap(k, 'dropout mask kernel');
  }

  /** The multipliers of `n` elements from global index `start`, as hashed-dropout.ts's dropoutMask. */
  mask(seed: number, start: number, n: number, rate: number): Float32Array {
    // The kernel writes whole groups of 4.
    const out = this.heap.acquire(alignedBytes(n + 4));
    try {
      this.k.dropout_mask(seed, start, n, rate, dropoutScale(rate), out.ptr);
      return this.heap.view(out.ptr, n).slice();
    } finally {
      this.heap.free(out);
    }
  }
}

/** The module, loaded once on first use; null (with one warning) when it cannot load. One thread: a mask is one short loop. */
export const dropoutMaskKernel = kernelOnce(
  'dropout mask kernel',
  () => new DropoutMaskKernel(instantiateKernel<Exports>(kernelFilePath('dropout-mask.wasm'))),
  'drawing the masks in TypeScript',
);

/** dropoutMask(seed, 1, size, rate): `size` multipliers from index 0, by the kernel where it loads. */
export function hashedDropoutMask(seed: number, size: number, rate: number): Float32Array {
  return dropoutMaskKernel()?.mask(seed, 0, size, rate) ?? dropoutMaskLoop(seed, 1, size, rate);
}
