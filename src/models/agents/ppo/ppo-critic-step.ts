/**
 * The critic's half of PPO's gradient step, on its own mlp kernel instance: values, the (clipped)
 * value loss and its gradient, backward, Σg², then Adam once the actor's half has given the global
 * clip scale (the actor's and the critic's halves share nothing but that scale).
 */
import { instantiateMlpKernel, type KernelArray } from '../../../ml/kernels/mlp-kernel.ts';
import { KernelMlp, parameterCount } from '../../../ml/kernels/mlp-network.ts';
import { KernelAdam } from '../../../ml/kernels/mlp-adam.ts';

/** What the critic's half needs of the config. */
export interface CriticStepConfig {
  obsDim: number;
  hiddenSizes: readonly number[];
  maxBatch: number;
  adamEpsilon: number;
  clipVloss: boolean;
  clipCoef: number;
  vfCoef: number;
}

export class PpoCriticStep {
  private readonly critic: KernelMlp;
  private readonly adam: KernelAdam;
  private readonly input: KernelArray;
  private readonly dValue: KernelArray;
  private pending: { returns: Float32Array; oldValues: Float32Array; n: number } | undefined;

  constructor(
    private readonly config: CriticStepConfig,
    initial: Float32Array,
  ) {
    const kernel = instantiateMlpKernel();
    const sizes = [config.obsDim, ...config.hiddenSizes, 1];
    const params = kernel.array(parameterCount(sizes));
    if (initial.length !== params.length) throw new Error(`critic of [${sizes}] has ${params.length} parameters, got ${initial.length}`);
    params.view.set(initial);
    const grads = kernel.array(params.length);
    this.critic = new KernelMlp(kernel, sizes, 'tanh', params, grads, config.maxBatch);
    this.adam = new KernelAdam(kernel, params, grads, 0.9, 0.999, config.adamEpsilon);
    this.input = kernel.array(config.maxBatch * config.obsDim);
    this.dValue = kernel.array(config.maxBatch);
  }

  /** Starts the half-step on n rows (the learner does the actor's half before ending it). */
  begin(obs: Float32Array, returns: Float32Array, oldValues: Float32Array, n: number): void {
    this.input.view.set(obs.subarray(0, n * this.config.obsDim));
    this.pending = { returns, oldValues, n };
  }

  /** Its result: the critic gradient's Σg² and the sum of the rows' value-loss terms. */
  end(): { sumSquares: number; valueLoss: number } {
    if (!this.pending) throw new Error('critic step ended before it began');
    const { returns, oldValues, n } = this.pending;
    this.pending = undefined;
    const value = this.critic.forward(this.input, n).view;
    const dValue = this.dValue.view;
    let valueLoss = 0;
    for (let r = 0; r < n; r++) valueLoss += this.valueTerm(value[r], returns[r], oldValues[r], n, dValue, r);
    this.critic.backward(this.dValue, { weightGrads: true });
    return { sumSquares: this.adam.sumOfSquares(), valueLoss };
  }

  /** Row r's max((v − R)², (v_clipped − R)²) (or the unclipped one), its gradient into dValue[r] (tfjs's tie rules). */
  private valueTerm(v: number, ret: number, old: number, n: number, dValue: Float32Array, r: number): number {
    const { clipVloss, clipCoef, vfCoef } = this.config;
    const unclipped = (v - ret) ** 2;
    let term = unclipped;
    let dv = 2 * (v - ret);
    if (clipVloss) {
      const change = v - old;
      const vClipped = old + Math.min(Math.max(change, -clipCoef), clipCoef);
      const clippedLoss = (vClipped - ret) ** 2;
      if (unclipped < clippedLoss) {
        term = clippedLoss;
        dv = change >= -clipCoef && change <= clipCoef ? 2 * (vClipped - ret) : 0;
      }
    }
    dValue[r] = (vfCoef * 0.5 * dv) / n;
    return term;
  }

  /** Adam on the critic, the gradient times the global clip scale. */
  apply(learningRate: number, scale: number): void {
    this.adam.step(learningRate, scale);
  }

  /** V for n observations (flat n × obsDim). */
  values(obs: Float32Array, n: number): Float32Array {
    this.input.view.set(obs.subarray(0, n * this.config.obsDim));
    return this.critic.forward(this.input, n).view.slice(0, n);
  }

  /** The critic's parameters now, in the agent's order (layer by layer, w then b). */
  parameters(): Float32Array {
    return this.critic.params.view.slice();
  }
}
