/**
 * The critic's half of PPO's step on a worker thread (ppo-critic-worker.ts): `begin` hands it the
 * minibatch and returns at once, so the critic's forward and backward run on the second core while
 * this thread does the actor's; `end` waits for its Σg². Adam's step is posted and overlaps the next
 * minibatch's gathering. During the rollout V comes from a copy of the critic on this thread,
 * refreshed from the worker after each update (8-row forwards are not worth a hand-off).
 * Calls stay synchronous: the threads meet through SharedArrayBuffer + Atomics.
 */
import { Worker } from 'node:worker_threads';
import { parameterCount } from '../../../ml/kernels/mlp-network.ts';
import { PpoCriticStep, type CriticStepConfig, type PpoCriticSide } from './ppo-critic-step.ts';
import { CTRL, CTRL_SLOTS, OP, SCALAR, STATUS, regions, type CriticWorkerInit } from './ppo-critic-protocol.ts';

/** A half-step takes well under a second; minutes of silence mean the worker is gone. */
const WORKER_TIMEOUT_MS = 120_000;

export class PpoCriticRemote implements PpoCriticSide {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(CTRL_SLOTS * 4));
  private readonly data: Float32Array;
  private readonly scalars = new Float64Array(new SharedArrayBuffer(8 * 8));
  private readonly at: ReturnType<typeof regions>;
  private readonly worker: Worker;
  /** The request last posted, and whether the rollout copy is older than the worker's critic. */
  private posted = 0;
  private stale = false;
  /** The rollout's copy of the critic (never stepped here). */
  private readonly local: PpoCriticStep;

  constructor(
    private readonly config: CriticStepConfig,
    initial: Float32Array,
  ) {
    const count = parameterCount([config.obsDim, ...config.hiddenSizes, 1]);
    this.at = regions(config, count);
    const data = new SharedArrayBuffer(this.at.floats * 4);
    this.data = new Float32Array(data);
    this.local = new PpoCriticStep(config, initial);
    const init: CriticWorkerInit = { ctrl: this.ctrl.buffer as SharedArrayBuffer, data, scalars: this.scalars.buffer as SharedArrayBuffer, config, initial };
    this.worker = new Worker(new URL('./ppo-critic-worker.mjs', import.meta.url), { workerData: init });
    this.worker.unref();
  }

  private send(op: number, n: number): void {
    this.wait();
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
      if (performance.now() > deadline) throw new Error(`PPO critic worker did not answer within ${WORKER_TIMEOUT_MS / 1000} s`);
      Atomics.wait(this.ctrl, CTRL.DONE, done, 1000);
    }
    if (this.ctrl[CTRL.STATUS] !== STATUS.OK) throw new Error('PPO critic worker failed (its error is on stderr)');
  }

  begin(obs: Float32Array, returns: Float32Array, oldValues: Float32Array, n: number): void {
    this.wait(); // the previous Adam step, before its inputs are overwritten
    const { at } = this;
    this.data.set(obs.subarray(0, n * this.config.obsDim), at.obs);
    this.data.set(returns.subarray(0, n), at.returns);
    this.data.set(oldValues.subarray(0, n), at.oldValues);
    this.send(OP.STEP, n);
    this.stale = true;
  }

  end(): { sumSquares: number; valueLoss: number } {
    this.wait();
    return { sumSquares: this.scalars[SCALAR.SUM_SQUARES], valueLoss: this.scalars[SCALAR.VALUE_LOSS] };
  }

  apply(learningRate: number, scale: number): void {
    this.wait();
    this.scalars[SCALAR.LEARNING_RATE] = learningRate;
    this.scalars[SCALAR.SCALE] = scale;
    this.send(OP.APPLY, 0);
  }

  values(obs: Float32Array, n: number): Float32Array {
    if (this.stale) {
      this.local.setParameters(this.parameters());
      this.stale = false;
    }
    return this.local.values(obs, n);
  }

  parameters(): Float32Array {
    this.send(OP.PARAMS, 0);
    this.wait();
    return this.data.slice(this.at.params, this.at.params + this.local.parameters().length);
  }

  dispose(): void {
    void this.worker.terminate();
  }
}
