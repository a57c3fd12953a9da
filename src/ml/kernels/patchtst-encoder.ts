/**
 * Loader of patchtst-encoder.wasm (built from patchtst-encoder.c by scripts/build-kernels.sh): one
 * whole PatchTST encoder layer (attention, dropouts, residuals, layer norms, GELU feed-forward),
 * its forward pass and its backward pass each one call. Plain Float32Arrays in; results are views
 * of reused buffers, valid until the next call (copy them out at once: tf.tensor does). The
 * module's memory holds each training forward's parameters and activations until its backward.
 * Loaded synchronously (tfjs kernels are synchronous), from beside this file or MIZAN_KERNELS_DIR.
 * patchtst-encoder-parallel.ts splits a batch over two threads.
 */
import { dropoutScale } from './hashed-dropout.ts';
import { alignedBytes as align, instantiateKernel, kernelFilePath, KernelHeap, type HeapExports, type HeldRegion } from './kernel-memory.ts';

interface Exports extends HeapExports {
  param_count(d: number, ff: number): number;
  save_floats(T: number, S: number, d: number, H: number, ff: number): number;
  forward_scratch_floats(T: number, ff: number): number;
  backward_scratch_floats(T: number, d: number, ff: number): number;
  encoder_forward(T: number, S: number, d: number, H: number, ff: number, p: number, save: number, out: number, scratch: number, row0: number, s1: number, s2: number, s3: number, rate: number, scale: number): void;
  encoder_backward(
    T: number, S: number, d: number, H: number, ff: number, p: number, save: number, dy: number, dx: number, grad: number, scratch: number,
    row0: number, s1: number, s2: number, s3: number, rate: number, scale: number,
  ): void;
}

export interface EncoderShape {
  /** tokens (rows), sequence length (rows per sequence), width, heads, feed-forward width */
  T: number;
  S: number;
  d: number;
  H: number;
  ff: number;
}

/** The three dropout seeds of one training call (attention output, GELU, feed-forward output) and the rate; rate 0: no dropout. */
export interface EncoderDropout {
  seeds: readonly [number, number, number];
  rate: number;
}

/** What a training forward leaves for its backward; valid once, until `backward` or `release`. */
export type EncoderPass = object;

export interface EncoderGradients {
  /** [T, d] */
  dx: Float32Array;
  /** The parameters' gradients, in the parameters' layout (encoderParamLayout). */
  grads: Float32Array;
}

/** One layer's forward, backward and release, on this thread (EncoderKernelHere) or split over two (patchtst-encoder-parallel.ts). */
export interface EncoderKernel {
  /** x [T, d] → out [T, d]; rows start at global row `row0` (for the dropout masks); with `keep`, also the pass for `backward`. */
  forward(shape: EncoderShape, params: readonly Float32Array[], x: Float32Array, dropout: EncoderDropout, keep: boolean, row0?: number): { out: Float32Array; pass?: EncoderPass };
  /** Consumes the pass. */
  backward(pass: EncoderPass, dy: Float32Array): EncoderGradients;
  release(pass: EncoderPass): void;
}

/** The parameters' sizes, in the kernel's order: Wq, Wk, Wv, Wo, bq, bk, bv, bo, gamma1, beta1, W1, c1, W2, c2, gamma2, beta2. */
export function encoderParamSizes(d: number, ff: number): number[] {
  return [d * d, d * d, d * d, d * d, d, d, d, d, d, d, d * ff, ff, ff * d, d, d, d];
}

const F32 = 4;

interface Record {
  readonly shape: EncoderShape;
  readonly held: HeldRegion;
  readonly dropout: EncoderDropout;
  readonly row0: number;
}

export class EncoderKernelHere implements EncoderKernel {
  private readonly heap: KernelHeap;

  constructor(private readonly k: Exports) {
    this.heap = new KernelHeap(k, 'encoder kernel');
  }

  forward(shape: EncoderShape, params: readonly Float32Array[], x: Float32Array, dropout: EncoderDropout, keep: boolean, row0 = 0): { out: Float32Array; pass?: EncoderPass } {
    const { T, S, d, H, ff } = checkShape(shape);
    const P = this.k.param_count(d, ff);
    if (x.length !== T * d) throw new Error('encoder kernel: x does not match the shape');
    const heap = this.heap;
    const region = heap.acquire(align(P) + align(this.k.save_floats(T, S, d, H, ff)));
    const io = heap.acquire(align(T * d) + align(this.k.forward_scratch_floats(T, ff)));
    try {
      const save = region.ptr + align(P);
      let at = region.ptr;
      const sizes = encoderParamSizes(d, ff);
      params.forEach((p, i) => {
        if (p.length !== sizes[i]) throw new Error(`encoder kernel: parameter ${i} has ${p.length} values, expected ${sizes[i]}`);
        heap.view(at, p.length).set(p);
        at += p.length * F32;
      });
      heap.view(save, T * d).set(x); // the save's first array is x
      const [s1, s2, s3] = dropout.seeds;
      const rate = dropout.rate;
      this.k.encoder_forward(T, S, d, H, ff, region.ptr, save, io.ptr, io.ptr + align(T * d), row0, s1, s2, s3, rate, rate > 0 ? dropoutScale(rate) : 1);
      const out = heap.view(io.ptr, T * d);
      if (!keep) return { out };
      return { out, pass: { shape, held: heap.hold(region), dropout, row0 } satisfies Record };
    } finally {
      heap.free(io);
      if (!keep) heap.free(region);
    }
  }

  backward(pass: EncoderPass, dy: Float32Array): EncoderGradients {
    const { shape, held, dropout, row0 } = pass as Record;
    const heap = this.heap;
    const region = heap.claim(held);
    const { T, S, d, H, ff } = shape;
    const P = this.k.param_count(d, ff);
    const io = heap.acquire(align(T * d) * 2 + align(P) + align(this.k.backward_scratch_floats(T, d, ff)));
    try {
      const dyAt = io.ptr;
      const dxAt = dyAt + align(T * d);
      const gradAt = dxAt + align(T * d);
      heap.view(dyAt, T * d).set(dy);
      const [s1, s2, s3] = dropout.seeds;
      const rate = dropout.rate;
      this.k.encoder_backward(T, S, d, H, ff, region.ptr, region.ptr + align(P), dyAt, dxAt, gradAt, gradAt + align(P), row0, s1, s2, s3, rate, rate > 0 ? dropoutScale(rate) : 1);
      return { dx: heap.view(dxAt, T * d), grads: heap.view(gradAt, P) };
    } finally {
      heap.free(io);
      heap.free(region);
    }
  }

  release(pass: EncoderPass): void {
    this.heap.release((pass as Record).held);
  }
}

/** The kernel's limits: d and ff multiples of 8, the head depth of 4, sequences of at most 64 rows. */
export function encoderShapeSupported({ T, S, d, H, ff }: EncoderShape): boolean {
  return d % 8 === 0 && ff % 8 === 0 && d % H === 0 && (d / H) % 4 === 0 && S >= 1 && S <= 64 && T % S === 0;
}

function checkShape(shape: EncoderShape): EncoderShape {
  if (!encoderShapeSupported(shape)) throw new Error(`encoder kernel: unsupported shape ${JSON.stringify(shape)}`);
  return shape;
}

export function encoderKernelPath(): string {
  return kernelFilePath('patchtst-encoder.wasm');
}

/** Instantiates the module synchronously. */
export function loadEncoderKernel(path: string = encoderKernelPath()): EncoderKernelHere {
  return new EncoderKernelHere(instantiateKernel<Exports>(path));
}
