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
import { kernelPath, loadLstmSequenceKernel, type LstmGradients, type LstmKernel, type LstmPass, type LstmSequenceKernel, type LstmShape, type LstmWeights } from './lstm-sequence.ts';
import { LSTM_FIELDS, lstmDataLayout, writeLstmRequest } from './lstm-sequence-protocol.ts';
import { OP } from './split-batch-protocol.ts';
import { addInto, kernelOnce, SplitBatchWorker } from './split-batch-worker.ts';

/** Below this many samples a split costs more than it saves. */
const MIN_SPLIT = 16;

interface SplitPass {
  shape: LstmShape;
  local: LstmPass;
  /** The worker's pass id, 0 when the batch ran here alone. */
  remote: number;
  /** Samples run here (the first ones). */
  B1: number;
}

export class ParallelLstmKernel implements LstmKernel {
  private readonly worker: SplitBatchWorker;

  constructor(private readonly local: LstmSequenceKernel, path: string) {
    this.worker = new SplitBatchWorker('LSTM kernel', new URL('./lstm-sequence-worker.ts', import.meta.url), path, LSTM_FIELDS);
  }

  forward(shape: LstmShape, x: Float32Array, w: LstmWeights, sequences: boolean, keep: boolean): { out: Float32Array; record?: LstmPass } {
    const { T, B, I, H } = shape;
    if (B < MIN_SPLIT) {
      const { out, record } = this.local.forward(shape, x, w, sequences, keep);
      return { out, record: record && ({ shape, local: record, remote: 0, B1: B } satisfies SplitPass) };
    }
    const B1 = Math.ceil(B / 2);
    const B2 = B - B1;
    const worker = this.worker;
    const id = worker.passId(keep);
    const per = sequences ? T * H : H;
    const { at, floats } = lstmDataLayout({ T, B: B2, I, H });
    worker.reserve(Math.max(floats, B2 * per));
    worker.data.set(x.subarray(B1 * T * I), at[0]);
    worker.data.set(w.W, at[1]);
    worker.data.set(w.U, at[2]);
    worker.data.set(w.bias, at[3]);
    writeLstmRequest(worker.fields, { shape: { T, B: B2, I, H }, sequences });
    const request = worker.send(OP.FORWARD, id, keep);
    const mine = this.local.forward({ T, B: B1, I, H }, x.subarray(0, B1 * T * I), w, sequences, keep);
    worker.wait(request);
    const out = new Float32Array(B * per);
    out.set(mine.out, 0);
    out.set(worker.data.subarray(0, B2 * per), B1 * per);
    return { out, record: mine.record && ({ shape, local: mine.record, remote: id, B1 } satisfies SplitPass) };
  }

  backward(pass: LstmPass, dOut: Float32Array, sequences: boolean): LstmGradients {
    const { shape, local, remote, B1 } = pass as SplitPass;
    if (remote === 0) return this.local.backward(local, dOut, sequences);
    const { T, B, I, H } = shape;
    const B2 = B - B1;
    const worker = this.worker;
    const per = sequences ? T * H : H;
    const { at, floats } = lstmDataLayout({ T, B: B2, I, H });
    worker.reserve(Math.max(floats, B2 * per));
    worker.data.set(dOut.subarray(B1 * per), 0);
    writeLstmRequest(worker.fields, { shape: { T, B: B2, I, H }, sequences });
    const request = worker.send(OP.BACKWARD, remote);
    const mine = this.local.backward(local, dOut.subarray(0, B1 * per), sequences);
    worker.wait(request);
    const dx = new Float32Array(B * T * I);
    dx.set(mine.dx, 0);
    dx.set(worker.data.subarray(at[0], at[0] + B2 * T * I), B1 * T * I);
    const theirs = (k: number, n: number) => worker.data.subarray(at[k], at[k] + n);
    return { dx, dW: addInto(mine.dW, theirs(1, mine.dW.length)), dU: addInto(mine.dU, theirs(2, mine.dU.length)), dbias: addInto(mine.dbias, theirs(3, mine.dbias.length)) };
  }

  release(pass: LstmPass): void {
    const { local, remote } = pass as SplitPass;
    this.local.release(local);
    this.worker.release(remote);
  }

  /** Stops the worker (tests; the loaded kernel lives as long as the process). */
  close(): Promise<void> {
    return this.worker.close();
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
    return { dx, dW: addInto(mine.dW, theirs.dW), dU: addInto(mine.dU, theirs.dU), dbias: addInto(mine.dbias, theirs.dbias) };
  }

  release(pass: LstmPass): void {
    const { first, second } = pass as SerialPass;
    this.local.release(first);
    if (second !== null) this.local.release(second);
  }
}

/** The LSTM kernel, made once (see kernelOnce). */
export const lstmSequenceKernel = kernelOnce('LSTM kernel', (threads): LstmKernel => {
  const path = kernelPath();
  const local = loadLstmSequenceKernel(path);
  return threads === 2 ? new ParallelLstmKernel(local, path) : new SerialSplitLstmKernel(local);
});
