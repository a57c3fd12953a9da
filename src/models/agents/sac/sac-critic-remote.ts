/**
 * qf2's half of SAC's update on a worker thread (sac-critic-worker.ts): each `begin*` hands it its
 * inputs and returns at once, so qf2 runs on the second core while qf1 runs here; the matching
 * `end*` waits for its answer. Calls stay synchronous: the threads meet through SharedArrayBuffer +
 * Atomics.
 */
import { Worker } from 'node:worker_threads';
import { parameterCount } from '../../../ml/kernels/mlp-network.ts';
import type { CriticHalfConfig, CriticHalfState, CriticStepResult, SacCriticSide } from './sac-critic-half.ts';
import { CTRL, CTRL_SLOTS, OP, SCALAR, STATUS, regions, type CriticWorkerInit } from './sac-critic-protocol.ts';

/** A request takes well under a second; minutes of silence mean the worker is gone. */
const WORKER_TIMEOUT_MS = 120_000;

export class SacCriticRemote implements SacCriticSide {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(CTRL_SLOTS * 4));
  private readonly data: Float32Array;
  private readonly wide: Float64Array;
  private readonly at: ReturnType<typeof regions>;
  private readonly count: number;
  private readonly worker: Worker;
  private posted = 0;
  private n = 0;

  constructor(
    private readonly config: CriticHalfConfig,
    q: Float32Array,
    target: Float32Array,
  ) {
    this.count = parameterCount([config.obsDim + config.actDim, ...config.hiddenSizes, 1]);
    this.at = regions(config, this.count);
    const data = new SharedArrayBuffer(this.at.floats * 4);
    const wide = new SharedArrayBuffer((config.maxBatch + 8) * 8);
    this.data = new Float32Array(data);
    this.wide = new Float64Array(wide);
    const init: CriticWorkerInit = { ctrl: this.ctrl.buffer as SharedArrayBuffer, data, wide, config, q, target };
    this.worker = new Worker(new URL('./sac-critic-worker.mjs', import.meta.url), { workerData: init });
    this.worker.unref();
  }

  private send(op: number, n: number): void {
    this.wait();
    this.n = n;
    this.ctrl[CTRL.OP] = op;
    this.ctrl[CTRL.N] = n;
    this.posted = Atomics.add(this.ctrl, CTRL.REQUEST, 1) + 1;
    Atomics.notify(this.ctrl, CTRL.REQUEST);
  }

  /** Until the worker has answered the last request. */
  private wait(): void {
    const deadline = performance.now() + WORKER_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(this.ctrl, CTRL.DONE);
      if (done === this.posted) break;
      if (performance.now() > deadline) throw new Error(`SAC critic worker did not answer within ${WORKER_TIMEOUT_MS / 1000} s`);
      Atomics.wait(this.ctrl, CTRL.DONE, done, 1000);
    }
    if (this.ctrl[CTRL.STATUS] !== STATUS.OK) throw new Error('SAC critic worker failed (its error is on stderr)');
  }

  private sendRows(op: number, input: Float32Array, n: number): void {
    this.wait();
    this.data.set(input.subarray(0, n * (this.config.obsDim + this.config.actDim)), this.at.input);
    this.send(op, n);
  }

  private scalar(slot: number): number {
    return this.config.maxBatch + slot;
  }

  beginTarget(input: Float32Array, n: number): void {
    this.sendRows(OP.TARGET, input, n);
  }

  beginCriticStep(input: Float32Array, y: Float64Array, n: number, learningRate: number): void {
    this.wait();
    this.wide.set(y.subarray(0, n), 0);
    this.wide[this.scalar(SCALAR.LEARNING_RATE)] = learningRate;
    this.sendRows(OP.STEP, input, n);
  }

  beginForward(input: Float32Array, n: number): void {
    this.sendRows(OP.FORWARD, input, n);
  }

  beginActionGradient(dQ: Float32Array, n: number): void {
    this.wait();
    this.data.set(dQ.subarray(0, n), this.at.dQ);
    this.send(OP.ACTION_GRADIENT, n);
  }

  endValues(): Float32Array {
    this.wait();
    return this.data.slice(this.at.values, this.at.values + this.n);
  }

  endCriticStep(): CriticStepResult {
    this.wait();
    return { loss: this.wide[this.scalar(SCALAR.LOSS)], sumQ: this.wide[this.scalar(SCALAR.SUM_Q)] };
  }

  endActionGradient(): Float32Array {
    this.wait();
    return this.data.slice(this.at.dAction, this.at.dAction + this.n * this.config.actDim);
  }

  polyak(): void {
    this.send(OP.POLYAK, 0);
  }

  state(): CriticHalfState {
    this.send(OP.STATE, 0);
    this.wait();
    const { at, count } = this;
    const part = (from: number) => this.data.slice(from, from + count);
    return { q: part(at.q), target: part(at.target), m: part(at.m), v: part(at.v), iterations: this.wide[this.scalar(SCALAR.ITERATIONS)] };
  }

  setAdam(m: Float32Array, v: Float32Array, iterations: number): void {
    this.wait();
    this.data.set(m, this.at.m);
    this.data.set(v, this.at.v);
    this.wide[this.scalar(SCALAR.ITERATIONS)] = iterations;
    this.send(OP.SET_ADAM, 0);
    this.wait();
  }

  dispose(): void {
    void this.worker.terminate();
  }
}
