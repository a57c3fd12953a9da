/** The kernels' memory glue (kernel-memory.ts) on the encoder module: region reuse and held passes. */
import { describe, expect, it } from 'vitest';
import { alignedBytes, byteLayout, instantiateKernel, KernelHeap, type HeapExports } from '../../src/ml/kernels/kernel-memory.ts';
import { encoderKernelPath, loadEncoderKernel } from '../../src/ml/kernels/patchtst-encoder.ts';

describe('kernel memory', () => {
  it('lays out 64-byte aligned arrays', () => {
    expect(alignedBytes(1)).toBe(64);
    expect(alignedBytes(16)).toBe(64);
    expect(alignedBytes(17)).toBe(128);
    expect(byteLayout({ a: 3, b: 20, c: 1 })).toEqual({ at: { a: 0, b: 64, c: 192 }, bytes: 256 });
  });

  it('reuses the smallest free region that fits, grows the memory past the top, and refuses a stale pass', () => {
    const exports = instantiateKernel<HeapExports>(encoderKernelPath());
    const heap = new KernelHeap(exports, 'test kernel');
    const big = heap.acquire(4096);
    const small = heap.acquire(100);
    expect(small.ptr).toBe(big.ptr + 4096);
    heap.free(big);
    heap.free(small);
    expect(heap.acquire(64).ptr).toBe(small.ptr);
    const grown = heap.acquire(exports.memory.buffer.byteLength);
    expect(exports.memory.buffer.byteLength).toBeGreaterThanOrEqual(grown.ptr + grown.bytes);
    heap.view(grown.ptr, grown.bytes / 4).fill(1);

    expect(heap.acquire(4096)).toBe(big);
    const held = heap.hold(big);
    expect(heap.acquire(4096)).not.toBe(big); // held: not handed out again
    expect(heap.claim(held)).toBe(big);
    heap.free(big);
    expect(() => heap.claim(held)).toThrow('test kernel: this forward pass was already backpropagated or released');
    heap.release(held); // a no-op: already freed
    expect(big.busy).toBe(false);
  });

  it('makes a second backward of one pass an error (the encoder kernel)', () => {
    const kernel = loadEncoderKernel();
    const shape = { T: 8, S: 8, d: 8, H: 2, ff: 8 };
    const params = [64, 64, 64, 64, 8, 8, 8, 8, 8, 8, 64, 8, 64, 8, 8, 8].map((n) => new Float32Array(n).fill(0.1));
    const { pass } = kernel.forward(shape, params, new Float32Array(64).fill(0.5), { seeds: [1, 2, 3], rate: 0 }, true);
    kernel.backward(pass!, new Float32Array(64).fill(1));
    expect(() => kernel.backward(pass!, new Float32Array(64).fill(1))).toThrow('already backpropagated or released');
    kernel.release(pass!);
  });
});
