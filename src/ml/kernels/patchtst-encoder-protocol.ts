/**
 * The shared-memory protocol between patchtst-encoder-parallel.ts (the main thread) and
 * patchtst-encoder-worker.ts: a control block of int32 slots and a data buffer of float32s. The main
 * thread writes a request and bumps REQUEST; the worker runs it, writes its reply over the data
 * buffer and sets DONE to the same count. Both wait with Atomics, so each call is synchronous.
 */
import type { MessagePort } from 'node:worker_threads';

export const CTRL = {
  REQUEST: 0,
  DONE: 1,
  OP: 2,
  T: 3,
  S: 4,
  D: 5,
  H: 6,
  FF: 7,
  ROW0: 8,
  SEED1: 9,
  SEED2: 10,
  SEED3: 11,
  /** the dropout rate's float32 bits */
  RATE: 12,
  KEEP: 13,
  PASS: 14,
  STATUS: 15,
  LENGTH: 16,
} as const;
export const CTRL_SLOTS = 20;

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
