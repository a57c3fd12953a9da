/**
 * Both cores on one PatchTST encoder-layer pass: the batch's sequences split in two, the first half
 * runs on this thread while a worker (patchtst-encoder-worker.ts, its own kernel instance) runs the
 * second. Sequences are independent through the layer and the dropout masks are indexed by global
 * row, so the outputs and input gradients are the halves side by side, and the parameter gradients
 * are the two partial sums added in a fixed order (this half + the worker's). One thread
 * (SerialSplitEncoderKernel) makes the same split and runs both halves here: a seeded run gives the
 * same bits with one thread or two (the local runner picks threads from the jobs running).
 * Calls stay synchronous (tfjs kernels are): the threads meet through SharedArrayBuffer + Atomics.
 * `encoderKernel()` picks the threads as the other kernels do: MIZAN_KERNEL_THREADS (1 or 2), else
 * 2 on a machine with two cores or more.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { kernelThreads } from './mlp-threads.ts';
import { encoderKernelPath, encoderParamSizes, loadEncoderKernel, type EncoderDropout, type EncoderGradients, type EncoderKernel, type EncoderKernelHere, type EncoderPass, type EncoderShape } from './patchtst-encoder.ts';
import { CTRL, CTRL_SLOTS, layout, OP, STATUS, type WorkerInit } from './patchtst-encoder-protocol.ts';

/** A pass takes well under a second; minutes of silence mean the worker is gone. */
const WORKER_TIMEOUT_MS = 120_000;

interface SplitPass {
  shape: EncoderShape;
  local: EncoderPass;
  /** The worker's pass id, 0 when the batch ran here alone. */
  remote: number;
  /** Rows run here (the first ones). */
  T1: number;
}

interface SerialPass {
  shape: EncoderShape;
  first: EncoderPass;
  /** The second half's pass; null when the batch ran whole (one sequence). */
  second: EncoderPass | null;
  T1: number;
}

/** Rows of the first half: whole sequences, as many as or one more than the second's. */
function firstHalfRows({ T, S }: EncoderShape): number {
  return Math.ceil(T / S / 2) * S;
}

/**
 * One thread, ParallelEncoderKernel's arithmetic: the same halves one after the other here, the
 * parameter gradients added in the same order. The local kernel's outputs are views valid until its
 * next call, so each half is copied out before the other runs.
 */
export class SerialSplitEncoderKernel implements EncoderKernel {
  private out = new Float32Array(0);
  private dx = new Float32Array(0);
  private grads = new Float32Array(0);

  constructor(private readonly local: EncoderKernelHere) {}

  forward(shape: EncoderShape, params: readonly Float32Array[], x: Float32Array, dropout: EncoderDropout, keep: boolean, row0 = 0): { out: Float32Array; pass?: EncoderPass } {
    const { T, S, d } = shape;
    if (T / S < 2) {
      const { out, pass } = this.local.forward(shape, params, x, dropout, keep, row0);
      return { out, pass: pass && ({ shape, first: pass, second: null, T1: T } satisfies SerialPass) };
    }
    const T1 = firstHalfRows(shape);
    if (this.out.length < T * d) this.out = new Float32Array(T * d);
    const out = this.out.subarray(0, T * d);
    const a = this.local.forward({ ...shape, T: T1 }, params, x.subarray(0, T1 * d), dropout, keep, row0);
    out.set(a.out, 0);
    const b = this.local.forward({ ...shape, T: T - T1 }, params, x.subarray(T1 * d), dropout, keep, row0 + T1);
    out.set(b.out, T1 * d);
    return { out, pass: a.pass && b.pass && ({ shape, first: a.pass, second: b.pass, T1 } satisfies SerialPass) };
  }

  backward(pass: EncoderPass, dy: Float32Array): EncoderGradients {
    const { shape, first, second, T1 } = pass as SerialPass;
    if (second === null) return this.local.backward(first, dy);
    const { T, d, ff } = shape;
    const P = encoderParamSizes(d, ff).reduce((a, b) => a + b, 0);
    if (this.dx.length < T * d) this.dx = new Float32Array(T * d);
    if (this.grads.length < P) this.grads = new Float32Array(P);
    const dx = this.dx.subarray(0, T * d);
    const grads = this.grads.subarray(0, P);
    const mine = this.local.backward(first, dy.subarray(0, T1 * d));
    dx.set(mine.dx, 0);
    grads.set(mine.grads);
    const theirs = this.local.backward(second, dy.subarray(T1 * d));
    dx.set(theirs.dx, T1 * d);
    for (let i = 0; i < P; i++) grads[i] += theirs.grads[i];
    return { dx, grads };
  }

  release(pass: EncoderPass): void {
    const { first, second } = pass as SerialPass;
    this.local.release(first);
    if (second !== null) this.local.release(second);
  }
}

export class ParallelEncoderKernel implements EncoderKernel {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(CTRL_SLOTS * 4));
  private data: Float32Array;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private nextId = 0;
  private out = new Float32Array(0);
  private dx = new Float32Array(0);
  private grads = new Float32Array(0);
  private readonly bits = new Int32Array(1);

  constructor(private readonly local: EncoderKernelHere, path: string) {
    const data = new SharedArrayBuffer(16 << 20);
    this.data = new Float32Array(data);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const init: WorkerInit = { ctrl: this.ctrl.buffer as SharedArrayBuffer, data, port: port2, kernelPath: path };
    this.worker = new Worker(new URL('./patchtst-encoder-worker.mjs', import.meta.url), { workerData: init, transferList: [port2] });
    this.worker.unref();
    port1.unref();
  }

  forward(shape: EncoderShape, params: readonly Float32Array[], x: Float32Array, dropout: EncoderDropout, keep: boolean, row0 = 0): { out: Float32Array; pass?: EncoderPass } {
    const { T, S, d } = shape;
    const sequences = T / S;
    if (sequences < 2) {
      const { out, pass } = this.local.forward(shape, params, x, dropout, keep, row0);
      return { out, pass: pass && ({ shape, local: pass, remote: 0, T1: T } satisfies SplitPass) };
    }
    const T1 = firstHalfRows(shape);
    const T2 = T - T1;
    const P = params.reduce((n, p) => n + p.length, 0);
    const { at, floats } = layout([P, T2 * d]);
    this.reserve(floats);
    let offset = at[0];
    for (const p of params) {
      this.data.set(p, offset);
      offset += p.length;
    }
    this.data.set(x.subarray(T1 * d), at[1]);
    const id = keep ? ++this.nextId : 0;
    const request = this.send(OP.FORWARD, { ...shape, T: T2 }, row0 + T1, dropout, keep, id);
    const mine = this.local.forward({ ...shape, T: T1 }, params, x.subarray(0, T1 * d), dropout, keep, row0);
    if (this.out.length < T * d) this.out = new Float32Array(T * d);
    const out = this.out.subarray(0, T * d);
    out.set(mine.out, 0);
    this.wait(request);
    out.set(this.data.subarray(0, T2 * d), T1 * d);
    return { out, pass: mine.pass && ({ shape, local: mine.pass, remote: id, T1 } satisfies SplitPass) };
  }

  backward(pass: EncoderPass, dy: Float32Array): EncoderGradients {
    const { shape, local, remote, T1 } = pass as SplitPass;
    if (remote === 0) return this.local.backward(local, dy);
    const { T, d, ff } = shape;
    const T2 = T - T1;
    const P = encoderParamSizes(d, ff).reduce((a, b) => a + b, 0);
    const { at, floats } = layout([T2 * d, P]);
    this.reserve(floats);
    this.data.set(dy.subarray(T1 * d), 0);
    const request = this.send(OP.BACKWARD, { ...shape, T: T2 }, 0, null, false, remote);
    const mine = this.local.backward(local, dy.subarray(0, T1 * d));
    if (this.dx.length < T * d) this.dx = new Float32Array(T * d);
    if (this.grads.length < P) this.grads = new Float32Array(P);
    const dx = this.dx.subarray(0, T * d);
    const grads = this.grads.subarray(0, P);
    dx.set(mine.dx, 0);
    grads.set(mine.grads);
    this.wait(request);
    dx.set(this.data.subarray(at[0], at[0] + T2 * d), T1 * d);
    for (let i = 0; i < P; i++) grads[i] += this.data[at[1] + i];
    return { dx, grads };
  }

  release(pass: EncoderPass): void {
    const { shape, local, remote } = pass as SplitPass;
    this.local.release(local);
    if (remote !== 0) this.wait(this.send(OP.RELEASE, shape, 0, null, false, remote));
  }

  /** Grows the shared data buffer (the worker takes the new one through its port). */
  private reserve(floats: number): void {
    if (floats <= this.data.length) return;
    const data = new SharedArrayBuffer(Math.max(floats * 4, this.data.length * 8));
    this.port.postMessage(data);
    this.data = new Float32Array(data);
    this.wait(this.send(OP.RESIZE, { T: 0, S: 1, d: 0, H: 1, ff: 0 }, 0, null, false, 0));
  }

  private send(op: number, shape: EncoderShape, row0: number, dropout: EncoderDropout | null, keep: boolean, id: number): number {
    const c = this.ctrl;
    c[CTRL.OP] = op;
    c[CTRL.T] = shape.T;
    c[CTRL.S] = shape.S;
    c[CTRL.D] = shape.d;
    c[CTRL.H] = shape.H;
    c[CTRL.FF] = shape.ff;
    c[CTRL.ROW0] = row0;
    c[CTRL.SEED1] = dropout?.seeds[0] ?? 0;
    c[CTRL.SEED2] = dropout?.seeds[1] ?? 0;
    c[CTRL.SEED3] = dropout?.seeds[2] ?? 0;
    new Float32Array(this.bits.buffer)[0] = dropout?.rate ?? 0;
    c[CTRL.RATE] = this.bits[0];
    c[CTRL.KEEP] = keep ? 1 : 0;
    c[CTRL.PASS] = id;
    const request = Atomics.add(c, CTRL.REQUEST, 1) + 1;
    Atomics.notify(c, CTRL.REQUEST);
    return request;
  }

  /** Blocks until the worker answers `request`; a worker that died (its error event cannot arrive while this thread blocks) shows as silence. */
  private wait(request: number): void {
    const deadline = performance.now() + WORKER_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(this.ctrl, CTRL.DONE);
      if (done === request) break;
      if (performance.now() > deadline) throw new Error(`encoder kernel worker did not answer within ${WORKER_TIMEOUT_MS / 1000} s`);
      Atomics.wait(this.ctrl, CTRL.DONE, done, 1000);
    }
    if (this.ctrl[CTRL.STATUS] !== STATUS.OK) {
      const bytes = new Uint8Array(this.data.buffer, 0, this.ctrl[CTRL.LENGTH]).slice();
      throw new Error(`encoder kernel worker: ${new TextDecoder().decode(bytes)}`);
    }
  }
}

let loaded: EncoderKernel | null | undefined;

/** The kernel, loaded once; null (and a warning, once) when it cannot load, so callers fall back to tfjs ops. */
export function encoderKernel(): EncoderKernel | null {
  if (loaded !== undefined) return loaded;
  try {
    const path = encoderKernelPath();
    const local = loadEncoderKernel(path);
    loaded = kernelThreads() === 2 ? new ParallelEncoderKernel(local, path) : new SerialSplitEncoderKernel(local);
  } catch (error) {
    console.warn(`encoder kernel unavailable, using tfjs ops: ${error instanceof Error ? error.message : String(error)}`);
    loaded = null;
  }
  return loaded;
}
