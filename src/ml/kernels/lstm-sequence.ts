/**
 * Loader of lstm-sequence.wasm (built from lstm-sequence.c by scripts/build-kernels.sh): a whole
 * LSTM layer's forward pass over every time step, and its backpropagation through time, each in one
 * call. Plain Float32Arrays in and out (batch-major, as tfjs holds them); the module's memory holds
 * each forward's record (inputs, gates, cells, hidden states) until its backward pass.
 * Loaded synchronously (tfjs kernels are synchronous); the file sits beside this loader, or in
 * MIZAN_KERNELS_DIR for a bundle that moves it. lstm-sequence-parallel.ts splits a batch over two.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Exports {
  memory: WebAssembly.Memory;
  heap_start(): number;
  ensure_memory(end: number): number;
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
  readonly region: Region;
  readonly generation: number;
}

export interface LstmGradients {
  /** [B, T, I] */
  dx: Float32Array;
  dW: Float32Array;
  dU: Float32Array;
  dbias: Float32Array;
}

interface Region {
  ptr: number;
  bytes: number;
  busy: boolean;
  generation: number;
}

const F32 = 4;

/** The kernel on this thread: each pass's record stays in the module's memory until its backward. */
export class LstmSequenceKernel implements LstmKernel {
  private readonly k: Exports;
  private readonly regions: Region[] = [];
  private top: number;

  constructor(exports: Exports) {
    this.k = exports;
    this.top = exports.heap_start();
  }

  forward(shape: LstmShape, x: Float32Array, w: LstmWeights, sequences: boolean, keep: boolean): { out: Float32Array; record?: LstmPass } {
    const { T, B, I, H } = checkShape(shape, x, w);
    const G = 4 * H;
    const steps = keep ? T : 1;
    const layout = offsets({ x: T * B * I, W: I * G, U: H * G, bias: G, hs: T * B * H, cs: steps * B * H, tcs: steps * B * H, gates: steps * B * G });
    const region = this.acquire(layout.bytes);
    const scratch = this.acquire((B * T * Math.max(I, H)) * F32);
    try {
      const at = (name: keyof typeof layout.at) => region.ptr + layout.at[name];
      this.view(scratch.ptr, x.length).set(x);
      this.k.batch_to_time(scratch.ptr, B, T, I, at('x'));
      this.view(at('W'), w.W.length).set(w.W);
      this.view(at('U'), w.U.length).set(w.U);
      this.view(at('bias'), G).set(w.bias);
      this.k.lstm_forward(T, B, I, H, at('x'), at('W'), at('U'), at('bias'), at('hs'), at('cs'), at('tcs'), at('gates'), keep ? 1 : 0);
      let out: Float32Array;
      if (sequences) {
        this.k.time_to_batch(at('hs'), T, B, H, H, scratch.ptr);
        out = this.view(scratch.ptr, B * T * H).slice();
      } else {
        out = this.view(at('hs') + (T - 1) * B * H * F32, B * H).slice();
      }
      if (!keep) return { out };
      region.generation++;
      return { out, record: { shape, region, generation: region.generation } };
    } finally {
      this.free(scratch);
      if (!keep) this.free(region);
    }
  }

  backward(pass: LstmPass, dOut: Float32Array, sequences: boolean): LstmGradients {
    const record = pass as LstmRecord;
    const { region } = record;
    if (!region.busy || region.generation !== record.generation) throw new Error('LSTM kernel: this forward pass was already backpropagated or released');
    const { T, B, I, H } = record.shape;
    const G = 4 * H;
    const L = H + ((I + 7) & ~7);
    const layout = offsets({ x: T * B * I, W: I * G, U: H * G, bias: G, hs: T * B * H, cs: T * B * H, tcs: T * B * H, gates: T * B * G });
    const scratchLayout = offsets({ dhs: T * B * H, dhx: T * B * L, dW: I * G, dU: H * G, dbias: G, dz: T * B * G, dh0: B * L, dc: B * H, UWt: G * L, out: B * T * Math.max(I, H) });
    const scratch = this.acquire(scratchLayout.bytes);
    try {
      const at = (name: keyof typeof layout.at) => region.ptr + layout.at[name];
      const s = (name: keyof typeof scratchLayout.at) => scratch.ptr + scratchLayout.at[name];
      const dhs = this.view(s('dhs'), T * B * H);
      if (sequences) {
        this.view(s('out'), dOut.length).set(dOut);
        this.k.batch_to_time(s('out'), B, T, H, s('dhs'));
      } else {
        dhs.fill(0, 0, (T - 1) * B * H);
        dhs.set(dOut, (T - 1) * B * H);
      }
      this.k.lstm_backward(T, B, I, H, at('x'), at('W'), at('U'), at('hs'), at('cs'), at('tcs'), at('gates'), s('dhs'), s('dhx'), s('dW'), s('dU'), s('dbias'), s('dz'), s('dh0'), s('dc'), s('UWt'));
      // dx sits in columns H.. of each dhx row
      this.k.time_to_batch(s('dhx') + H * F32, T, B, I, L, s('out'));
      return {
        dx: this.view(s('out'), B * T * I).slice(),
        dW: this.view(s('dW'), I * G).slice(),
        dU: this.view(s('dU'), H * G).slice(),
        dbias: this.view(s('dbias'), G).slice(),
      };
    } finally {
      this.free(scratch);
      this.free(region);
    }
  }

  release(pass: LstmPass): void {
    const record = pass as LstmRecord;
    if (record.region.generation === record.generation) this.free(record.region);
  }

  private free(region: Region): void {
    region.busy = false;
    region.generation++;
  }

  /** The smallest free region that fits, or a new one at the top of the memory. */
  private acquire(bytes: number): Region {
    let best: Region | undefined;
    for (const r of this.regions) if (!r.busy && r.bytes >= bytes && (!best || r.bytes < best.bytes)) best = r;
    if (!best) {
      const size = (bytes + 63) & ~63;
      if (!this.k.ensure_memory(this.top + size)) throw new Error(`LSTM kernel: cannot grow its memory to ${this.top + size} bytes`);
      best = { ptr: this.top, bytes: size, busy: false, generation: 0 };
      this.top += size;
      this.regions.push(best);
    }
    best.busy = true;
    return best;
  }

  /** A fresh view: growing the memory detaches the old ones. */
  private view(ptr: number, length: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, length);
  }
}

function checkShape(shape: LstmShape, x: Float32Array, w: LstmWeights): LstmShape {
  const { T, B, I, H } = shape;
  if (H % 4 !== 0) throw new Error(`LSTM kernel: hidden units must be a multiple of 4, got ${H}`);
  if (x.length !== B * T * I || w.W.length !== I * 4 * H || w.U.length !== H * 4 * H || w.bias.length !== 4 * H) throw new Error('LSTM kernel: array sizes do not match the shape');
  return shape;
}

/** Byte offsets of consecutive float32 arrays (each 64-byte aligned) and their total. */
function offsets<K extends string>(sizes: Record<K, number>): { at: Record<K, number>; bytes: number } {
  const at = {} as Record<K, number>;
  let bytes = 0;
  for (const name of Object.keys(sizes) as K[]) {
    at[name] = bytes;
    bytes += (sizes[name] * F32 + 63) & ~63;
  }
  return { at, bytes };
}

/** Instantiates the module synchronously (tfjs kernels are synchronous). */
export function loadLstmSequenceKernel(path: string = kernelPath()): LstmSequenceKernel {
  return new LstmSequenceKernel(new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path))).exports as unknown as Exports);
}

export function kernelPath(): string {
  const dir = process.env.MIZAN_KERNELS_DIR || dirname(fileURLToPath(import.meta.url));
  return join(dir, 'lstm-sequence.wasm');
}
