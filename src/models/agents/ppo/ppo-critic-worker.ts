/**
 * The second core's part of PPO's update: the critic's half-steps (ppo-critic-step.ts) on their own
 * kernel instance, in a loop that blocks on the control block between requests (ppo-critic-remote.ts).
 */
import { workerData } from 'node:worker_threads';
import { PpoCriticStep } from './ppo-critic-step.ts';
import { CTRL, OP, SCALAR, STATUS, regions, type CriticWorkerInit } from './ppo-critic-protocol.ts';

const init = workerData as CriticWorkerInit;
const ctrl = new Int32Array(init.ctrl);
const data = new Float32Array(init.data);
const scalars = new Float64Array(init.scalars);
const step = new PpoCriticStep(init.config, init.initial);
const at = regions(init.config, init.initial.length);
const { maxBatch, obsDim } = init.config;

function handle(): void {
  const n = ctrl[CTRL.N];
  switch (ctrl[CTRL.OP]) {
    case OP.STEP: {
      step.begin(data.subarray(at.obs, at.obs + maxBatch * obsDim), data.slice(at.returns, at.returns + n), data.slice(at.oldValues, at.oldValues + n), n);
      const { sumSquares, valueLoss } = step.end();
      scalars[SCALAR.SUM_SQUARES] = sumSquares;
      scalars[SCALAR.VALUE_LOSS] = valueLoss;
      return;
    }
    case OP.APPLY:
      step.apply(scalars[SCALAR.LEARNING_RATE], scalars[SCALAR.SCALE]);
      return;
    case OP.VALUES:
      data.set(step.values(data.subarray(at.obs, at.obs + n * obsDim), n), at.values);
      return;
    case OP.PARAMS:
      data.set(step.parameters(), at.params);
      return;
    default:
      throw new Error(`unknown op ${ctrl[CTRL.OP]}`);
  }
}

// From 0, not the current count: the first request may be posted before this thread starts.
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL.REQUEST, seen);
  seen = Atomics.load(ctrl, CTRL.REQUEST);
  try {
    handle();
    ctrl[CTRL.STATUS] = STATUS.OK;
  } catch (error) {
    ctrl[CTRL.STATUS] = STATUS.ERROR;
    console.error(`ppo critic worker: ${error instanceof Error ? error.stack : String(error)}`);
  }
  Atomics.store(ctrl, CTRL.DONE, seen);
  Atomics.notify(ctrl, CTRL.DONE);
}
