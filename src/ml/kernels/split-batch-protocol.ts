/**
 * The shared-memory protocol between a kernel's main thread (split-batch-worker.ts) and its worker
 * (split-batch-serve.ts): a control block of int32 slots and a data buffer of float32s. The main
 * thread writes a request and bumps REQUEST; the worker runs it, writes its reply over the data
 * buffer and sets DONE to the same count. Both wait with Atomics, so each call is synchronous (tfjs
 * kernels are). The slots from FIELDS on are the kernel's own request fields (its shape, options).
 */
import type { MessagePort } from 'node:worker_threads';

export const CTRL = {
  REQUEST: 0,
  DONE: 1,
  OP: 2,
  STATUS: 3,
  /** bytes of the error message at the start of the data buffer (STATUS.ERROR) */
  LENGTH: 4,
  /** the worker's id of a forward pass: given by FORWARD (0: not kept), used by BACKWARD and RELEASE */
  PASS: 5,
  KEEP: 6,
} as const;
/** The first slot of the kernel's own fields. */
export const FIELDS = 8;

export const OP = { FORWARD: 1, BACKWARD: 2, RELEASE: 3, RESIZE: 4 } as const;
export const STATUS = { OK: 0, ERROR: 1 } as const;

/** Float offsets of consecutive arrays in the data buffer, each 16-float aligned, and their total. */
export function layout(sizes: number[]): { at: number[]; floats: number } {
  const at: number[] = [];
  let floats = 0;
  for (const n of sizes) {
    at.push(floats);
    floats += (n + 15) & ~15;
  }
  return { at, floats };
}

export interface WorkerInit {
  ctrl: SharedArrayBuffer;
  data: SharedArrayBuffer;
  /** Where a RESIZE request's new data buffer arrives. */
  port: MessagePort;
  /** The kernel's worker module (a file URL), imported by split-batch-entry.mjs. */
  module: string;
  kernelPath: string;
}
