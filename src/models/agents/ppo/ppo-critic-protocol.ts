/**
 * The shared memory between ppo-critic-remote.ts (the trainer's thread) and ppo-critic-worker.ts:
 * int32 control slots, float32 arrays (observations, returns, old values, V out, parameters out) and
 * float64 scalars (results and arguments kept at full precision, so a worker step gives the bits of
 * a local one). The trainer writes a request and bumps REQUEST; the worker runs it and sets DONE
 * to the same count; both wait with Atomics.
 */
import type { CriticStepConfig } from './ppo-critic-step.ts';

export const CTRL = { REQUEST: 0, DONE: 1, OP: 2, N: 3, STATUS: 4 } as const;
export const CTRL_SLOTS = 8;
export const OP = { STEP: 1, APPLY: 2, VALUES: 3, PARAMS: 4 } as const;
export const STATUS = { OK: 0, ERROR: 1 } as const;
/** Float64 scalar slots: the step's results, then apply's arguments. */
export const SCALAR = { SUM_SQUARES: 0, VALUE_LOSS: 1, LEARNING_RATE: 2, SCALE: 3 } as const;

/** Float offsets of the arrays in the float32 buffer, and its size. */
export function regions(config: CriticStepConfig, parameters: number): { obs: number; returns: number; oldValues: number; values: number; params: number; floats: number } {
  const { maxBatch, obsDim } = config;
  const obs = 0;
  const returns = obs + maxBatch * obsDim;
  const oldValues = returns + maxBatch;
  const values = oldValues + maxBatch;
  const params = values + maxBatch;
  return { obs, returns, oldValues, values, params, floats: params + parameters };
}

export interface CriticWorkerInit {
  ctrl: SharedArrayBuffer;
  data: SharedArrayBuffer;
  scalars: SharedArrayBuffer;
  config: CriticStepConfig;
  initial: Float32Array;
}
