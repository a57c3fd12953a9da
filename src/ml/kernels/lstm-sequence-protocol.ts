/**
 * The shared-memory protocol between lstm-sequence-parallel.ts (the main thread) and
 * lstm-sequence-worker.ts: a control block of int32 slots, and a data buffer of float32s.
 * The main thread writes a request and bumps REQUEST; the worker runs it, writes its reply over the
 * data buffer and sets DONE to the same count. Both wait with Atomics, so each call is synchronous.
 */
import type { MessagePort } from 'node:worker_threads';

export const CTRL = {
  REQUEST: 0,
  DONE: 1,
  OP: 2,
  T: 3,
  B: 4,
  I: 5,
  H: 6,
  SEQUENCES: 7,
  KEEP: 8,
  PASS: 9,
  STATUS: 10,
  LENGTH: 11,
} as const;
export const CTRL_SLOTS = 16;

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
  kernelPath: string;
}
