/**
 * The worker's end of a split-batch kernel (split-batch-worker.ts is the main thread's): a loop
 * that blocks on the control block between requests, keeps the forward passes the main thread will
 * backpropagate, takes a grown data buffer, and reports errors back instead of dying silently. The
 * kernel's worker module supplies only its own compute: how a request's fields and data become a
 * call of its kernel and how the reply is laid out.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { CTRL, FIELDS, OP, STATUS, type WorkerInit } from './split-batch-protocol.ts';

export interface SplitBatchHandlers<Pass> {
  /** FORWARD: inputs from `data`, the output written over it from 0; the pass when `keep`. */
  forward(fields: Int32Array, data: Float32Array, keep: boolean): Pass | undefined;
  /** BACKWARD: consumes the pass; the output's gradient from `data`, the gradients written over it. */
  backward(pass: Pass, fields: Int32Array, data: Float32Array): void;
  release(pass: Pass): void;
}

/** The worker's kernel path (the main thread's kernel file). */
export function workerKernelPath(): string {
  return (workerData as WorkerInit).kernelPath;
}

/** Answers requests until the process ends. */
export function serveSplitBatch<Pass>(handlers: SplitBatchHandlers<Pass>): void {
  const init = workerData as WorkerInit;
  const ctrl = new Int32Array(init.ctrl);
  const fields = ctrl.subarray(FIELDS);
  let data = new Float32Array(init.data);
  const passes = new Map<number, Pass>();
  const take = (id: number): Pass | undefined => {
    const pass = passes.get(id);
    passes.delete(id);
    return pass;
  };

  const handle = (): void => {
    const op = ctrl[CTRL.OP];
    const id = ctrl[CTRL.PASS];
    if (op === OP.RESIZE) {
      const message = receiveMessageOnPort(init.port);
      if (!message) throw new Error('no buffer for RESIZE');
      data = new Float32Array(message.message as SharedArrayBuffer);
    } else if (op === OP.FORWARD) {
      const pass = handlers.forward(fields, data, ctrl[CTRL.KEEP] === 1);
      if (pass) passes.set(id, pass);
    } else if (op === OP.BACKWARD) {
      const pass = take(id);
      if (!pass) throw new Error(`no pass ${id}`);
      handlers.backward(pass, fields, data);
    } else if (op === OP.RELEASE) {
      const pass = take(id);
      if (pass) handlers.release(pass);
    } else {
      throw new Error(`unknown op ${op}`);
    }
  };

  // From 0, not the current count: the first request may be posted before this thread starts.
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, CTRL.REQUEST, seen);
    seen = Atomics.load(ctrl, CTRL.REQUEST);
    try {
      handle();
      ctrl[CTRL.STATUS] = STATUS.OK;
    } catch (error) {
      const text = new TextEncoder().encode(error instanceof Error ? error.message : String(error)).slice(0, 1024);
      new Uint8Array(data.buffer, 0, text.length).set(text);
      ctrl[CTRL.LENGTH] = text.length;
      ctrl[CTRL.STATUS] = STATUS.ERROR;
    }
    Atomics.store(ctrl, CTRL.DONE, seen);
    Atomics.notify(ctrl, CTRL.DONE);
  }
}
