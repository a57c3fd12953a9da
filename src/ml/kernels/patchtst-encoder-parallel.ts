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
import { encoderKernelPath, encoderParamSizes, loadEncoderKernel, type EncoderDropout, type EncoderGradients, type EncoderKernel, type EncoderKernelHere, type EncoderPass, type EncoderShape } from './patchtst-encoder.ts';
import { ENCODER_FIELDS, writeEncoderRequest } from './patchtst-encoder-protocol.ts';
import { layout, OP } from './split-batch-protocol.ts';
import { addInto, kernelOnce, SplitBatchWorker } from './split-batch-worker.ts';

/** BACKWARD and RELEASE read only the shape: the dropout stays with the worker's pass. */
const NO_DROPOUT: EncoderDropout = { seeds: [0, 0, 0], rate: 0 };

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
    addInto(grads, theirs.grads);
    return { dx, grads };
  }

  release(pass: EncoderPass): void {
    const { first, second } = pass as SerialPass;
    this.local.release(first);
    if (second !== null) this.local.release(second);
  }
}

export class ParallelEncoderKernel implements EncoderKernel {
  private readonly worker: SplitBatchWorker;
  private out = new Float32Array(0);
  private dx = new Float32Array(0);
  private grads = new Float32Array(0);

  constructor(private readonly local: EncoderKernelHere, path: string) {
    this.worker = new SplitBatchWorker('encoder kernel', new URL('./patchtst-encoder-worker.ts', import.meta.url), path, ENCODER_FIELDS);
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
    const worker = this.worker;
    worker.reserve(floats);
    let offset = at[0];
    for (const p of params) {
      worker.data.set(p, offset);
      offset += p.length;
    }
    worker.data.set(x.subarray(T1 * d), at[1]);
    const id = worker.passId(keep);
    writeEncoderRequest(worker.fields, { shape: { ...shape, T: T2 }, row0: row0 + T1, dropout });
    const request = worker.send(OP.FORWARD, id, keep);
    const mine = this.local.forward({ ...shape, T: T1 }, params, x.subarray(0, T1 * d), dropout, keep, row0);
    if (this.out.length < T * d) this.out = new Float32Array(T * d);
    const out = this.out.subarray(0, T * d);
    out.set(mine.out, 0);
    worker.wait(request);
    out.set(worker.data.subarray(0, T2 * d), T1 * d);
    return { out, pass: mine.pass && ({ shape, local: mine.pass, remote: id, T1 } satisfies SplitPass) };
  }

  backward(pass: EncoderPass, dy: Float32Array): EncoderGradients {
    const { shape, local, remote, T1 } = pass as SplitPass;
    if (remote === 0) return this.local.backward(local, dy);
    const { T, d, ff } = shape;
    const T2 = T - T1;
    const P = encoderParamSizes(d, ff).reduce((a, b) => a + b, 0);
    const { at, floats } = layout([T2 * d, P]);
    const worker = this.worker;
    worker.reserve(floats);
    worker.data.set(dy.subarray(T1 * d), 0);
    writeEncoderRequest(worker.fields, { shape: { ...shape, T: T2 }, row0: 0, dropout: NO_DROPOUT });
    const request = worker.send(OP.BACKWARD, remote);
    const mine = this.local.backward(local, dy.subarray(0, T1 * d));
    if (this.dx.length < T * d) this.dx = new Float32Array(T * d);
    if (this.grads.length < P) this.grads = new Float32Array(P);
    const dx = this.dx.subarray(0, T * d);
    const grads = this.grads.subarray(0, P);
    dx.set(mine.dx, 0);
    grads.set(mine.grads);
    worker.wait(request);
    dx.set(worker.data.subarray(at[0], at[0] + T2 * d), T1 * d);
    addInto(grads, worker.data.subarray(at[1], at[1] + P));
    return { dx, grads };
  }

  release(pass: EncoderPass): void {
    const { local, remote } = pass as SplitPass;
    this.local.release(local);
    this.worker.release(remote);
  }

  /** Stops the worker (tests; the loaded kernel lives as long as the process). */
  close(): Promise<void> {
    return this.worker.close();
  }
}

/** The encoder kernel, made once (see kernelOnce). */
export const encoderKernel = kernelOnce('encoder kernel', (threads): EncoderKernel => {
  const path = encoderKernelPath();
  const local = loadEncoderKernel(path);
  return threads === 2 ? new ParallelEncoderKernel(local, path) : new SerialSplitEncoderKernel(local);
});
