/**
 * Loader of lstm-sequence.wasm (built from lstm-sequence.c by scripts/build-kernels.sh): a whole
 * LSTM layer's forward pass over every time step, and its backpropagation through time, each in one
 * call. Plain Float32Arrays in and out (batch-major, as tfjs holds them); the module's memory holds
 * each forward's record (inputs, gates, cells, hidden states) until its backward pass.
 * Loaded synchronously (tfjs kernels are synchronous); the file sits beside this loader, or in
 * MIZAN_KERNELS_DIR for a bundle that moves it. lstm-sequence-parallel.ts splits a batch over two.
 */
import { byteLayout as offsets, instantiateKernel, kernelFilePath, KernelHeap, type HeapExports, type HeldRegion } from './kernel-memory.ts';

interface Exports extends HeapExports {
  batch_to_time(src: number, B: number, T: number, F: number, out: number): void;
  time_to_batch(src: number, T: number, B: number, F: number, ld: number, out: number): void;
  lstm_forward(T: number, B: number, I: number, H: number, x: number, W: number, U: number, bias: number, hs: number, cs: number, tcs: number, gates: number, keep: number): void;
  lstm_backward(
    T: number, B: number, I: number, H: number, x: number, W: number, U: number, hs: number, cs: number, tcs: number, gates: number, dhs: number,
    dhx: number, dW: number, dU: number, dbias: number, dz: number, dh0: number, dc: number, UWt: number,
  ): void;
}

export interface LstmShape {
  /** time steps, batch, input features, hidden units (a multiple of 4) */
  T: number;
  B: number;
  I: number;
  H: number;
}

export interface LstmWeights {
  /** [I, 4H], [H, 4H], [4H]: tfjs's kernel, recurrent kernel and bias, gates in the order i, f, g, o */
  W: Float32Array;
  U: Float32Array;
  bias: Float32Array;
}

/** What a training forward pass leaves for its backward pass; valid once, until `backward` or `release`. */
export type LstmPass = object;

/** One forward, backward and release, run here (LstmSequenceKernel) or split over threads (lstm-sequence-parallel.ts). */
export interface LstmKernel {
  /** Runs the layer on x [B, T, I]: every hidden state [B, T, H] (`sequences`) or the last [B, H]; with `keep`, also the pass for `backward`. */
  forward(shape: LstmShape, x: Float32Array, w: LstmWeights, sequences: boolean, keep: boolean): { out: Float32Array; record?: LstmPass };
  /** Backpropagation through time given the gradient of the output (the shape `forward` returned). Consumes the pass. */
  backward(record: LstmPass, dOut: Float32Array, sequences: boolean): LstmGradients;
  /** Frees a pass whose backward will not run (a no-op for one already consumed). */
  release(record: LstmPass): void;
}

interface LstmRecord {
  readonly shape: LstmShape;
  readonly held: HeldRegion;
}

export interface LstmGradients {
  /** [B, T, I] */
  dx: Float32Array;
  dW: Float32Array;
  dU: Float32Array;
  dbias: Float32Array;
}

const F32 = 4;

/** The kernel on this thread: each pass's record stays in the module's memory until its backward. */
export class LstmSequenceKernel implements LstmKernel {
  private readonly heap: KernelHeap;

  constructor(private readonly k: Exports) {
    this.heap = new KernelHeap(k, 'LSTM kernel');
  }

  forward(shape: LstmShape, x: Float32Array, w: LstmWeights, sequences: boolean, keep: boolean): { out: Float32Array; record?: LstmPass } {
    const { T, B, I, H } = checkShape(shape, x, w);
    const G = 4 * H;
    const steps = keep ? T : 1;
    const layout = offsets({ x: T * B * I, W: I * G, U: H * G, bias: G, hs: T * B * H, cs: steps * B * H, tcs: steps * B * H, gates: steps * B * G });
    const region = this.heap.acquire(layout.bytes);
    const scratch = this.heap.acquire((B * T * Math.max(I, H)) * F32);
    try {
      const at = (name: keyof typeof layout.at) => region.ptr + layout.at[name];
      this.heap.view(scratch.ptr, x.length).set(x);
      this.k.batch_to_time(scratch.ptr, B, T, I, at('x'));
      this.heap.view(at('W'), w.W.length).set(w.W);
      this.heap.view(at('U'), w.U.length).set(w.U);
      this.heap.view(at('bias'), G).set(w.bias);
      this.k.lstm_forward(T, B, I, H, at('x'), at('W'), at('U'), at('bias'), at('hs'), at('cs'), at('tcs'), at('gates'), keep ? 1 : 0);
      let out: Float32Array;
      if (sequences) {
        this.k.time_to_batch(at('hs'), T, B, H, H, scratch.ptr);
        out = this.heap.view(scratch.ptr, B * T * H).slice();
      } else {
        out = this.heap.view(at('hs') + (T - 1) * B * H * F32, B * H).slice();
      }
      if (!keep) return { out };
      return { out, record: { shape, held: this.heap.hold(region) } satisfies LstmRecord };
    } finally {
      this.heap.free(scratch);
      if (!keep) this.heap.free(region);
    }
  }

  backward(pass: LstmPass, dOut: Float32Array, sequences: boolean): LstmGradients {
    const record = pass as LstmRecord;
    const region = this.heap.claim(record.held);
    const { T, B, I, H } = record.shape;
    const G = 4 * H;
    const L = H + ((I + 7) & ~7);
    const layout = offsets({ x: T * B * I, W: I * G, U: H * G, bias: G, hs: T * B * H, cs: T * B * H, tcs: T * B * H, gates: T * B * G });
    const scratchLayout = offsets({ dhs: T * B * H, dhx: T * B * L, dW: I * G, dU: H * G, dbias: G, dz: T * B * G, dh0: B * L, dc: B * H, UWt: G * L, out: B * T * Math.max(I, H) });
    const scratch = this.heap.acquire(scratchLayout.bytes);
    try {
      const at = (name: keyof typeof layout.at) => region.ptr + layout.at[name];
      const s = (name: keyof typeof scratchLayout.at) => scratch.ptr + scratchLayout.at[name];
      const dhs = this.heap.view(s('dhs'), T * B * H);
      if (sequences) {
        this.heap.view(s('out'), dOut.length).set(dOut);
        this.k.batch_to_time(s('out'), B, T, H, s('dhs'));
      } else {
        dhs.fill(0, 0, (T - 1) * B * H);
        dhs.set(dOut, (T - 1) * B * H);
      }
      this.k.lstm_backward(T, B, I, H, at('x'), at('W'), at('U'), at('hs'), at('cs'), at('tcs'), at('gates'), s('dhs'), s('dhx'), s('dW'), s('dU'), s('dbias'), s('dz'), s('dh0'), s('dc'), s('UWt'));
      // dx sits in columns H.. of each dhx row
      this.k.time_to_batch(s('dhx') + H * F32, T, B, I, L, s('out'));
      return {
        dx: this.heap.view(s('out'), B * T * I).slice(),
        dW: this.heap.view(s('dW'), I * G).slice(),
        dU: this.heap.view(s('dU'), H * G).slice(),
        dbias: this.heap.view(s('dbias'), G).slice(),
      };
    } finally {
      this.heap.free(scratch);
      this.heap.free(region);
    }
  }

  release(pass: LstmPass): void {
    this.heap.release((pass as LstmRecord).held);
  }
}

function checkShape(shape: LstmShape, x: Float32Array, w: LstmWeights): LstmShape {
  const { T, B, I, H } = shape;
  if (H % 4 !== 0) throw new Error(`LSTM kernel: hidden units must be a multiple of 4, got ${H}`);
  if (x.length !== B * T * I || w.W.length !== I * 4 * H || w.U.length !== H * 4 * H || w.bias.length !== 4 * H) throw new Error('LSTM kernel: array sizes do not match the shape');
  return shape;
}

/** Instantiates the module synchronously (tfjs kernels are synchronous). */
export function loadLstmSequenceKernel(path: string = kernelPath()): LstmSequenceKernel {
  return new LstmSequenceKernel(instantiateKernel<Exports>(path));
}

export function kernelPath(): string {
  return kernelFilePath('lstm-sequence.wasm');
}
