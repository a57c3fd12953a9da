/**
 * PPO's gradient step on the mlp wasm kernel: the actor and the critic run as kernel networks
 * whose parameters (with the log-std) sit in one flat array, so the global gradient norm is one call
 * and Adam one more. The loss and its gradient at the networks' outputs (n × actDim means, n values)
 * are written out here in JS, term by term as ppo-tfjs-learner.ts's autodiff computes them
 * (tfjs's conventions where a max or a clip ties: maximum(a, b) sends the gradient to a when a ≥ b,
 * clipByValue passes it inside the closed range). The agent's variables are written once, in finish().
 */
import { tf } from '../../../ml/backend.ts';
import { instantiateMlpKernel, type KernelArray } from '../../../ml/kernels/mlp-kernel.ts';
import { KernelMlp, parameterCount } from '../../../ml/kernels/mlp-network.ts';
import { KernelAdam } from '../../../ml/kernels/mlp-adam.ts';
import type { PpoAgent } from './ppo.ts';
import type { PpoConfig } from './ppo-defaults.ts';
import { HALF_LOG_2PI, type Minibatch, type PpoLearner } from './ppo-learner.ts';

export class PpoKernelLearner implements PpoLearner {
  private readonly actor: KernelMlp;
  private readonly critic: KernelMlp;
  private readonly params: KernelArray;
  private readonly logStdParams: KernelArray;
  private readonly logStdGrads: KernelArray;
  private readonly adam: KernelAdam;
  private readonly input: KernelArray;
  private readonly dMean: KernelArray;
  private readonly dValue: KernelArray;
  private readonly z: Float64Array;

  constructor(
    private readonly agent: PpoAgent,
    private readonly config: Readonly<PpoConfig>,
    private readonly maxBatch: number,
  ) {
    const { obsDim, actDim } = agent;
    const kernel = instantiateMlpKernel();
    const actorSizes = [obsDim, ...config.hiddenSizes, actDim];
    const criticSizes = [obsDim, ...config.hiddenSizes, 1];
    const actorCount = parameterCount(actorSizes);
    const criticCount = parameterCount(criticSizes);
    // One flat array in the agent's export order: actor layers, critic layers, log-std.
    this.params = kernel.array(actorCount + criticCount + actDim);
    const grads = kernel.array(this.params.length);
    let offset = 0;
    for (const w of agent.exportWeights()) {
      this.params.view.set(w.values, offset);
      offset += w.values.length;
    }
    this.actor = new KernelMlp(kernel, actorSizes, 'tanh', this.params.slice(0, actorCount), grads.slice(0, actorCount), maxBatch);
    this.critic = new KernelMlp(kernel, criticSizes, 'tanh', this.params.slice(actorCount, criticCount), grads.slice(actorCount, criticCount), maxBatch);
    this.logStdParams = this.params.slice(actorCount + criticCount, actDim);
    this.logStdGrads = grads.slice(actorCount + criticCount, actDim);
    this.adam = new KernelAdam(kernel, this.params, grads, 0.9, 0.999, config.adamEpsilon);
    this.input = kernel.array(maxBatch * obsDim);
    this.dMean = kernel.array(maxBatch * actDim);
    this.dValue = kernel.array(maxBatch);
    this.z = new Float64Array(maxBatch * actDim);
  }

  /** Copies n observations into the kernel (in chunks of maxBatch when there are more). */
  private load(obs: Float32Array): number {
    const n = obs.length / this.agent.obsDim;
    if (!Number.isInteger(n) || n > this.maxBatch) throw new Error(`${obs.length} observation values are not whole rows of ${this.agent.obsDim}, at most ${this.maxBatch}`);
    this.input.view.set(obs);
    return n;
  }

  policyAndValue(obs: Float32Array, n: number): { mean: Float32Array; value: Float32Array } {
    this.load(obs);
    const mean = this.actor.forward(this.input, n).view.slice(0, n * this.agent.actDim);
    const value = this.critic.forward(this.input, n).view.slice(0, n);
    return { mean, value };
  }

  value(obs: Float32Array): Float32Array {
    const n = this.load(obs);
    return this.critic.forward(this.input, n).view.slice(0, n);
  }

  logStd(): Float32Array {
    return this.logStdParams.view.slice();
  }

  update(m: Minibatch, learningRate: number): Float32Array {
    const n = this.load(m.obs);
    const mean = this.actor.forward(this.input, n).view;
    const value = this.critic.forward(this.input, n).view;
    const stats = this.lossGradients(m, n, mean, value);
    this.actor.backward(this.dMean, { weightGrads: true });
    this.critic.backward(this.dValue, { weightGrads: true });
    // Clip the global norm over every gradient together (torch's clip_grad_norm_), inside Adam.
    const scale = Math.min(1, this.config.maxGradNorm / (this.adam.gradientNorm() + 1e-6));
    this.adam.step(learningRate, scale);
    return stats;
  }

  /**
   * CleanRL's loss pg_loss − ent_coef·entropy + vf_coef·v_loss at the networks' outputs: writes its
   * gradient with respect to the means, the values and the log-std, and returns the six statistics.
   */
  private lossGradients(m: Minibatch, n: number, mean: Float32Array, value: Float32Array): Float32Array {
    const { actDim } = this.agent;
    const { clipCoef, clipVloss, entCoef, vfCoef } = this.config;
    const logStd = this.logStdParams.view;
    const invStd = Float64Array.from(logStd, (s) => Math.exp(-s));
    const sumLogStd = logStd.reduce((s, x) => s + x, 0);
    const dMean = this.dMean.view;
    const dValue = this.dValue.view;
    const dLogStd = new Float64Array(actDim);
    const { z } = this;
    let pg = 0, vl = 0, oldKl = 0, kl = 0, clipped = 0;
    for (let r = 0; r < n; r++) {
      let squares = 0;
      for (let j = 0; j < actDim; j++) {
        const zj = (m.actions[r * actDim + j] - mean[r * actDim + j]) * invStd[j];
        z[r * actDim + j] = zj;
        squares += zj * zj;
      }
      const logratio = -0.5 * squares - sumLogStd - actDim * HALF_LOG_2PI - m.logprobs[r];
      const ratio = Math.exp(logratio);
      const adv = m.advantages[r];
      const pg1 = -adv * ratio;
      const pg2 = -adv * Math.min(Math.max(ratio, 1 - clipCoef), 1 + clipCoef);
      pg += Math.max(pg1, pg2);
      const inClip = ratio >= 1 - clipCoef && ratio <= 1 + clipCoef;
      const dLogprob = ((pg1 >= pg2 || inClip ? -adv : 0) / n) * ratio; // d pg_loss / d new log-prob
      for (let j = 0; j < actDim; j++) {
        const zj = z[r * actDim + j];
        dMean[r * actDim + j] = dLogprob * zj * invStd[j];
        dLogStd[j] += dLogprob * (zj * zj - 1);
      }
      oldKl -= logratio;
      kl += ratio - 1 - logratio;
      if (Math.abs(ratio - 1) > clipCoef) clipped++;
      vl += this.valueTerm(r, n, value[r], m, dValue, clipVloss, clipCoef, vfCoef);
    }
    const dLogStdOut = this.logStdGrads.view;
    for (let j = 0; j < actDim; j++) dLogStdOut[j] = dLogStd[j] - entCoef;
    return Float32Array.of(pg / n, (0.5 * vl) / n, sumLogStd + actDim * (0.5 + HALF_LOG_2PI), oldKl / n, kl / n, clipped / n);
  }

  /** Row r's value-loss term max((v − R)², (v_clipped − R)²) (or the unclipped one); writes its gradient. */
  private valueTerm(r: number, n: number, v: number, m: Minibatch, dValue: Float32Array, clipVloss: boolean, clipCoef: number, vfCoef: number): number {
    const ret = m.returns[r];
    const unclipped = (v - ret) ** 2;
    let term = unclipped;
    let dv = 2 * (v - ret);
    if (clipVloss) {
      const change = v - m.values[r];
      const vClipped = m.values[r] + Math.min(Math.max(change, -clipCoef), clipCoef);
      const clippedLoss = (vClipped - ret) ** 2;
      if (unclipped < clippedLoss) {
        term = clippedLoss;
        dv = change >= -clipCoef && change <= clipCoef ? 2 * (vClipped - ret) : 0;
      }
    }
    dValue[r] = (vfCoef * 0.5 * dv) / n;
    return term;
  }

  finish(): void {
    const flat = this.params.view;
    let offset = 0;
    for (const variable of this.agent.trainableVariables()) {
      const size = variable.size;
      tf.tidy(() => variable.assign(tf.tensor(flat.slice(offset, offset + size), variable.shape)));
      offset += size;
    }
  }
}
