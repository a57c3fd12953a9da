/**
 * One of SAC's twin critics (qf1 or qf2) with its target network and its share of the critics'
 * Adam, on its own mlp kernel instance. The twins meet only in min(Q1, Q2) and in sums the learner
 * adds in a fixed order, so qf2's half can run on a worker (sac-critic-worker.ts) while qf1's runs
 * here: the same code either way, so the same bits. Every operation is begun, then ended: on this
 * thread `begin` keeps the arguments and `end` does the work; a remote half works in between.
 */
import { instantiateMlpKernel, type KernelArray, type MlpKernel } from '../../../ml/kernels/mlp-kernel.ts';
import { KernelMlp, parameterCount } from '../../../ml/kernels/mlp-network.ts';
import { KernelAdam } from '../../../ml/kernels/mlp-adam.ts';

export interface CriticHalfConfig {
  obsDim: number;
  actDim: number;
  hiddenSizes: readonly number[];
  maxBatch: number;
  tau: number;
}

/** A half's parameters, its target's, and its Adam's state. */
export interface CriticHalfState {
  q: Float32Array;
  target: Float32Array;
  m: Float32Array;
  v: Float32Array;
  iterations: number;
}

export interface CriticStepResult {
  /** Σ (Q − y)² and Σ Q over the rows. */
  loss: number;
  sumQ: number;
}

/** The operations the SAC learner asks of each twin; `begin*` then the matching `end*`. */
export interface SacCriticSide {
  /** Q_target(s, a) for rows [s | a] (n × (obsDim + actDim)). */
  beginTarget(input: Float32Array, n: number): void;
  /** Regress Q on y, one Adam step at `learningRate`. */
  beginCriticStep(input: Float32Array, y: Float64Array, n: number, learningRate: number): void;
  /** Q(s, a), keeping what the backward below needs. */
  beginForward(input: Float32Array, n: number): void;
  /** The gradient at the action columns of the last forward's input, for dL/dQ = dQ. */
  beginActionGradient(dQ: Float32Array, n: number): void;
  endValues(): Float32Array;
  endCriticStep(): CriticStepResult;
  endActionGradient(): Float32Array;
  /** target ← τ·Q + (1 − τ)·target (nothing to end). */
  polyak(): void;
  state(): CriticHalfState;
  setAdam(m: Float32Array, v: Float32Array, iterations: number): void;
  dispose(): void;
}

type Pending =
  | { op: 'target' | 'forward'; input: Float32Array; n: number }
  | { op: 'step'; input: Float32Array; y: Float64Array; n: number; lr: number }
  | { op: 'action'; dQ: Float32Array; n: number };

export class SacCriticHalf implements SacCriticSide {
  private readonly kernel: MlpKernel;
  private readonly q: KernelMlp;
  private readonly target: KernelMlp;
  private readonly adam: KernelAdam;
  private readonly input: KernelArray;
  private readonly dQ: KernelArray;
  private readonly dAction: KernelArray;
  private pending: Pending | undefined;

  constructor(
    private readonly config: CriticHalfConfig,
    q: Float32Array,
    target: Float32Array,
  ) {
    const { obsDim, actDim, hiddenSizes, maxBatch } = config;
    const kernel = (this.kernel = instantiateMlpKernel());
    const sizes = [obsDim + actDim, ...hiddenSizes, 1];
    const count = parameterCount(sizes);
    if (q.length !== count || target.length !== count) throw new Error(`critic of [${sizes}] has ${count} parameters, got ${q.length} and ${target.length}`);
    const loaded = (values: Float32Array) => {
      const array = kernel.array(values.length);
      array.view.set(values);
      return array;
    };
    const grads = kernel.array(count);
    this.q = new KernelMlp(kernel, sizes, 'relu', loaded(q), grads, maxBatch);
    this.target = new KernelMlp(kernel, sizes, 'relu', loaded(target), kernel.array(count), maxBatch); // its gradients are never written
    this.adam = new KernelAdam(kernel, this.q.params, grads, 0.9, 0.999, 1e-8); // torch's Adam defaults, as CleanRL
    this.input = kernel.array(maxBatch * (obsDim + actDim));
    this.dQ = kernel.array(maxBatch);
    this.dAction = kernel.array(maxBatch * actDim);
  }

  beginTarget(input: Float32Array, n: number): void {
    this.pending = { op: 'target', input, n };
  }

  beginCriticStep(input: Float32Array, y: Float64Array, n: number, lr: number): void {
    this.pending = { op: 'step', input, y, n, lr };
  }

  beginForward(input: Float32Array, n: number): void {
    this.pending = { op: 'forward', input, n };
  }

  beginActionGradient(dQ: Float32Array, n: number): void {
    this.pending = { op: 'action', dQ, n };
  }

  private take<T extends Pending['op']>(op: T): Extract<Pending, { op: T }> {
    const pending = this.pending;
    if (!pending || pending.op !== op) throw new Error(`critic half: ended ${op} without beginning it`);
    this.pending = undefined;
    return pending as Extract<Pending, { op: T }>;
  }

  endValues(): Float32Array {
    const op = this.pending?.op === 'target' ? 'target' : 'forward';
    const { input, n } = this.take(op);
    this.input.view.set(input.subarray(0, n * (this.config.obsDim + this.config.actDim)));
    return (op === 'target' ? this.target : this.q).forward(this.input, n).view.slice(0, n);
  }

  endCriticStep(): CriticStepResult {
    const { input, y, n, lr } = this.take('step');
    this.input.view.set(input.subarray(0, n * (this.config.obsDim + this.config.actDim)));
    const q = this.q.forward(this.input, n).view;
    const dQ = this.dQ.view;
    let loss = 0;
    let sumQ = 0;
    for (let r = 0; r < n; r++) {
      const error = q[r] - y[r];
      loss += error * error;
      sumQ += q[r];
      dQ[r] = error / n; // d/dQ of (MSE₁ + MSE₂)/2
    }
    this.q.backward(this.dQ, { weightGrads: true });
    this.adam.step(lr);
    return { loss, sumQ };
  }

  endActionGradient(): Float32Array {
    const { dQ, n } = this.take('action');
    const { obsDim, actDim } = this.config;
    this.dQ.view.set(dQ.subarray(0, n));
    this.q.backward(this.dQ, { weightGrads: false, inputGrad: { from: obsDim, to: obsDim + actDim, into: this.dAction } });
    return this.dAction.view.slice(0, n * actDim);
  }

  polyak(): void {
    this.kernel.fn.polyak(this.target.params.ptr, this.q.params.ptr, this.q.params.length, this.config.tau);
  }

  state(): CriticHalfState {
    return { q: this.q.params.view.slice(), target: this.target.params.view.slice(), m: this.adam.m.view.slice(), v: this.adam.v.view.slice(), iterations: this.adam.iterations };
  }

  setAdam(m: Float32Array, v: Float32Array, iterations: number): void {
    this.adam.m.view.set(m);
    this.adam.v.view.set(v);
    this.adam.iterations = iterations;
  }

  dispose(): void {
    // The kernel instance's memory goes with this object.
  }
}
