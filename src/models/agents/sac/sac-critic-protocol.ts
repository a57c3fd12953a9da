/**
 * The shared memory between sac-critic-remote.ts (the trainer's thread) and sac-critic-worker.ts:
 * int32 control slots, float32 arrays and float64 ones (y and the sums, kept at full precision, so
 * a worker's half gives the bits of a local one). The trainer writes a request and bumps REQUEST;
 * the worker runs it and sets DONE to the same count; both wait with Atomics.
 */
import type { CriticHalfConfig } from './sac-critic-half.ts';

export const CTRL = { REQUEST: 0, DONE: 1, OP: 2, N: 3, STATUS: 4 } as const;
export const CTRL_SLOTS = 8;
export const OP = { TARGET: 1, STEP: 2, FORWARD: 3, ACTION_GRADIENT: 4, POLYAK: 5, STATE: 6, SET_ADAM: 7 } as const;
export const STATUS = { OK: 0, ERROR: 1 } as const;
/** Float64 slots after y (maxBatch of them): the step's learning rate and sums, Adam's iterations. */
export const SCALAR = { LEARNING_RATE: 0, LOSS: 1, SUM_Q: 2, ITERATIONS: 3 } as const;

/** Float offsets in the float32 buffer: input rows, dQ, values out, dAction out, then q, target, m, v. */
export function regions(config: CriticHalfConfig, parameters: number) {
  const { maxBatch, obsDim, actDim } = config;
  const input = 0;
  const dQ = input + maxBatch * (obsDim + actDim);
  const values = dQ + maxBatch;
  const dAction = values + maxBatch;
  const q = dAction + maxBatch * actDim;
  const target = q + parameters;
  const m = target + parameters;
  const v = m + parameters;
  return { input, dQ, values, dAction, q, target, m, v, floats: v + parameters };
}

export interface CriticWorkerInit {
  ctrl: SharedArrayBuffer;
  data: SharedArrayBuffer;
  wide: SharedArrayBuffer;
  config: CriticHalfConfig;
  q: Float32Array;
  target: Float32Array;
}
