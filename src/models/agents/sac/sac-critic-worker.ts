/**
 * The second core's part of SAC's update: qf2's half (sac-critic-half.ts) on its own kernel
 * instance, in a loop that blocks on the control block between requests (sac-critic-remote.ts).
 */
import { workerData } from 'node:worker_threads';
import { SacCriticHalf } from './sac-critic-half.ts';
import { CTRL, OP, SCALAR, STATUS, regions, type CriticWorkerInit } from './sac-critic-protocol.ts';

const init = workerData as CriticWorkerInit;
const ctrl = new Int32Array(init.ctrl);
const data = new Float32Array(init.data);
const wide = new Float64Array(init.wide);
const half = new SacCriticHalf(init.config, init.q, init.target);
const count = init.q.length;
const at = regions(init.config, count);
const { maxBatch, obsDim, actDim } = init.config;
const scalar = (slot: number) => maxBatch + slot;

function handle(): void {
  const n = ctrl[CTRL.N];
  const input = data.subarray(at.input, at.input + n * (obsDim + actDim));
  switch (ctrl[CTRL.OP]) {
    case OP.TARGET:
    case OP.FORWARD:
      (ctrl[CTRL.OP] === OP.TARGET ? half.beginTarget : half.beginForward).call(half, input, n);
      data.set(half.endValues(), at.values);
      return;
    case OP.STEP: {
      half.beginCriticStep(input, wide.slice(0, n), n, wide[scalar(SCALAR.LEARNING_RATE)]);
      const { loss, sumQ } = half.endCriticStep();
      wide[scalar(SCALAR.LOSS)] = loss;
      wide[scalar(SCALAR.SUM_Q)] = sumQ;
      return;
    }
    case OP.ACTION_GRADIENT:
      half.beginActionGradient(data.subarray(at.dQ, at.dQ + n), n);
      data.set(half.endActionGradient(), at.dAction);
      return;
    case OP.POLYAK:
      half.polyak();
      return;
    case OP.STATE: {
      const state = half.state();
      data.set(state.q, at.q);
      data.set(state.target, at.target);
      data.set(state.m, at.m);
      data.set(state.v, at.v);
      wide[scalar(SCALAR.ITERATIONS)] = state.iterations;
      return;
    }
    case OP.SET_ADAM:
      half.setAdam(data.slice(at.m, at.m + count), data.slice(at.v, at.v + count), wide[scalar(SCALAR.ITERATIONS)]);
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
    console.error(`sac critic worker: ${error instanceof Error ? error.stack : String(error)}`);
  }
  Atomics.store(ctrl, CTRL.DONE, seen);
  Atomics.notify(ctrl, CTRL.DONE);
}
