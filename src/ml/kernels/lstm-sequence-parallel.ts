/**
 * Both cores on one LSTM pass: the batch splits in two, the first half runs on this thread while a
 * worker (lstm-sequence-worker.ts, its own kernel instance) runs the second; samples are independent
 * through an LSTM, so the outputs and input gradients are the halves side by side, and the weight
 * gradients are the two partial sums added in a fixed order (this half + the worker's). One thread
 * (SerialSplitLstmKernel) makes the same split and runs both halves here, so a seeded run gives the
 * same bits with one thread or two: the local runner picks the threads from the jobs running, and a
 * version's weights must not depend on the machine's load.
 * Calls stay synchronous (tfjs kernels are): the threads meet through SharedArrayBuffer + Atomics.
 * `lstmSequenceKernel()` picks the threads: MIZAN_KERNEL_THREADS (1 or 2), else 2 when the machine
 * has two cores or more.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { kernelPath, loadLstmSequenceKernel, type LstmGradients, type LstmKernel, type LstmPass, type LstmSequenceKernel, type LstmShape, type LstmWeights } from './lstm-sequence.ts';
import { CTRL, CTRL_SLOTS, layout, OP, STATUS, type WorkerInit } from './lstm-sequence-protocol.ts';

/** Below this many samples a split costs more than it saves. */
const MIN_SPLIT = 16;
/** A pass takes well under a second; minutes of silence mean the worker is gone. */
const WORKER_TIMEOUT_MS = 120_000;

interface SplitPass {
  shape: LstmShape;
  local: LstmPass;
  /** The worker's pass id, 0 when the batch ran here alone. */
  remote: number;
  /** Samples run here (the first ones). */
  B1: number;
}

export class ParallelLstmKernel implements LstmKernel {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(CTRL_SLOTS * 4));
  private data: Float32Array;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private nextId = 0;

  constructor(private readonly local: LstmSequenceKernel, path: string) {
    const data = new SharedArrayBuffer(16 << 20);
    this.data = new Float32Array(data);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const init: WorkerInit = { ctrl: this.ctrl.buffer as SharedArrayBuffer, data, port: port2, kernelPath: path };
    this.worker = new Worker(new URL('./lstm-sequence-worker.mjs', import.meta.url), { workerData: init, transferList: [port2] });
    this.worker.unref();
    port1.unref();
  }

  forward(shape: LstmShape, x: Float32Array, w: LstmWeights, sequences: boolean, keep: boolean): { out: Float32Array; record?: LstmPass } {
    const { T, B, I, H } = shape;
    if (B < MIN_SPLIT) {
      const { out, record } = this.local.forward(shape, x, w, sequences, keep);
      return { out, record: record && ({ shape, local: record, remote: 0, B1: B } satisfies SplitPass) };
    }
    const B1 = Math.ceil(B / 2);
    const B2 = B - B1;
    const G = 4 * H;
    const id = keep ? ++this.nextId : 0;
    const per = sequences ? T * H : H;
    const { at, floats } = layout([B2 * T * I, I * G, H * G, G]);
    this.reserve(Math.max(floats, B2 * per));
    this.data.set(x.subarray(B1 * T * I), at[0]);
    this.data.set(w.W, at[1]);
    this.data.set(w.U, at[2]);
    this.data.set(w.bias, at[3]);
    const request = this.send(OP.FORWARD, { T, B: B2, I, H }, sequences, keep, id);
    const mine = this.local.forward({ T, B: B1, I, H }, x.subarray(0, B1 * T * I), w, sequences, keep);
    this.wait(request);
    const out = new Float32Array(B * per);
    out.set(mine.out, 0);
    out.set(this.data.subarray(0, B2 * per), B1 * per);
    return { out, record: mine.record && ({ shape, local: mine.record, remote: id, B1 } satisfies SplitPass) };
  }

  backward(pass: LstmPass, dOut: Float32Array, sequences: boolean): LstmGradients {
    const { shape, local, remote, B1 } = pass as SplitPass;
    if (remote === 0) return this.local.backward(local, dOut, sequences);
    const { T, B, I, H } = shape;
    const B2 = B - B1;
    const G = 4 * H;
    const per = sequences ? T * H : H;
    const { at, floats } = layout([B2 * T * I, I * G, H * G, G]);
    this.reserve(Math.max(floats, B2 * per));
    this.data.set(dOut.subarray(B1 * per), 0);
    const request = this.send(OP.BACKWARD, { T, B: B2, I, H }, sequences, false, remote);
    const mine = this.local.backward(local, dOut.subarray(0, B1 * per), sequences);
    this.wait(request);
    const dx = new Float32Array(B * T * I);
    dx.set(mine.dx, 0);
    dx.set(this.data.subarray(at[0], at[0] + B2 * T * I), B1 * T * I);
    const add = (a: Float32Array, offset: number) => {
      for (let i = 0; i < a.length; i++) a[i] += this.data[offset + i];
      return a;
    };
    return { dx, dW: add(mine.dW, at[1]), dU: add(mine.dU, at[2]), dbias: add(mine.dbias, at[3]) };
  }

  release(pass: LstmPass): void {
    const { shape, local, remote } = pass as SplitPass;
    this.local.release(local);
    if (remote !== 0) this.wait(this.send(OP.RELEASE, shape, false, false, remote));
  }

  /** Grows the shared data buffer (the worker takes the new one through its port). */
  private reserve(floats: number): void {
    if (floats <= this.data.length) return;
    const data = new SharedArrayBuffer(Math.max(floats * 4, this.data.length * 8));
    this.port.postMessage(data);
    this.data = new Float32Array(data);
    this.wait(this.send(OP.RESIZE, { T: 0, B: 0, I: 0, H: 0 }, false, false, 0));
  }

  private send(op: number, shape: LstmShape, sequences: boolean, keep: boolean, id: number): number {
    const c = this.ctrl;
    c[CTRL.OP] = op;
    c[CTRL.T] = shape.T;
    c[CTRL.B] = shape.B;
    c[CTRL.I] = shape.I;
    c[CTRL.H] = shape.H;
    c[CTRL.SEQUENCES] = sequences ? 1 : 0;
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
      if (performance.now() > deadline) throw new Error(`LSTM kernel worker did not answer within ${WORKER_TIMEOUT_MS / 1000} s`);
      Atomics.wait(this.ctrl, CTRL.DONE, done, 1000);
    }
    if (this.ctrl[CTRL.STATUS] !== STATUS.OK) {
      const bytes = new Uint8Array(this.data.buffer, 0, this.ctrl[CTRL.LENGTH]).slice();
      throw new Error(`LSTM kernel worker: ${new TextDecoder().decode(bytes)}`);
    }
  }
}

interface SerialPass {
  shape: LstmShape;
  first: LstmPass;
  /** The second half's pass; null when the batch ran whole (below MIN_SPLIT). */
  second: LstmPass | null;
  B1: number;
}

/** One thread, ParallelLstmKernel's arithmetic: the same halves one after the other, the weight gradients added in the same order. */
export class SerialSplitLstmKernel implements LstmKernel {
  constructor(private readonly local: LstmSequenceKernel) {}

  forward(shape: LstmShape, x: Float32Array, w: LstmWeights, sequences: boolean, keep: boolean): { out: Float32Array; record?: LstmPass } {
    const { T, B, I, H } = shape;
    if (B < MIN_SPLIT) {
      const { out, record } = this.local.forward(shape, x, w, sequences, keep);
      return { out, record: record && ({ shape, first: record, second: null, B1: B } satisfies SerialPass) };
    }
    const B1 = Math.ceil(B / 2);
    const a = this.local.forward({ T, B: B1, I, H }, x.subarray(0, B1 * T * I), w, sequences, keep);
    const b = this.local.forward({ T, B: B - B1, I, H }, x.subarray(B1 * T * I), w, sequences, keep);
    const out = new Float32Array(a.out.length + b.out.length);
    out.set(a.out, 0);
    out.set(b.out, a.out.length);
    return { out, record: a.record && b.record && ({ shape, first: a.record, second: b.record, B1 } satisfies SerialPass) };
  }

  backward(pass: LstmPass, dOut: Float32Array, sequences: boolean): LstmGradients {
    const { shape, first, second, B1 } = pass as SerialPass;
    if (second === null) return this.local.backward(first, dOut, sequences);
    const split = B1 * (sequences ? shape.T * shape.H : shape.H);
    const mine = this.local.backward(first, dOut.subarray(0, split), sequences);
    const theirs = this.local.backward(second, dOut.subarray(split), sequences);
    const dx = new Float32Array(mine.dx.length + theirs.dx.length);
    dx.set(mine.dx, 0);
    dx.set(theirs.dx, mine.dx.length);
    const add = (a: Float32Array, b: Float32Array) => {
      for (let i = 0; i < a.length; i++) a[i] += b[i];
      return a;
    };
    return { dx, dW: add(mine.dW, theirs.dW), dU: add(mine.dU, theirs.dU), dbias: add(mine.dbias, theirs.dbias) };
  }

  release(pass: LstmPass): void {
    const { first, second } = pass as SerialPass;
    this.local.release(first);
    if (second !== null) this.local.release(second);
  }
}

/** How many threads run each pass: MIZAN_KERNEL_THREADS, else 2 on a machine with two cores or more. */
export function kernelThreads(): number {
  const asked = process.env.MIZAN_KERNEL_THREADS;
  if (asked !== undefined && asked !== '') {
    const n = Number(asked);
    if (n !== 1 && n !== 2) throw new Error(`MIZAN_KERNEL_THREADS must be 1 or 2, got ${asked}`);
    return n;
  }
  return Math.min(2, availableParallelism());
}

let loaded: LstmKernel | null | undefined;

/** The kernel, loaded once; null (and a warning, once) when it cannot load, so callers fall back to tfjs ops. */
export function lstmSequenceKernel(): LstmKernel | null {
  if (loaded !== undefined) return loaded;
  try {
    const path = kernelPath();
    const local = loadLstmSequenceKernel(path);
    loaded = kernelThreads() === 2 ? new ParallelLstmKernel(local, path) : new SerialSplitLstmKernel(local);
  } catch (error) {
    console.warn(`LSTM kernel unavailable, using tfjs ops: ${error instanceof Error ? error.message : String(error)}`);
    loaded = null;
  }
  return loaded;
}
