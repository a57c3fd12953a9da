/**
 * PPO's gradient step on the mlp wasm kernel. The loss is pg_loss − ent_coef·entropy +
 * vf_coef·v_loss: the actor (and log-std) only meet the critic in the global gradient norm, so the
 * step runs as two halves on one thread, the actor's here and the critic's (ppo-critic-step.ts),
 * joined by the clip scale √(Σg²_actor + Σg²_critic). (The critic's half on a worker thread was
 * measured and dropped: on this 2-core machine it lost ~20 % in the medians, more when the other core was busy.)
 * The loss's gradient at the networks' outputs is written out in JS, term by term as
 * ppo-tfjs-learner.ts's autodiff computes it (tfjs's conventions where a max or a clip ties:
 * maximum(a, b) sends the gradient to a when a ≥ b, clipByValue passes it inside the closed range).
 * The agent's variables are written in finish() (and at a checkpoint's sync()).
 */
import { tf } from '../../../ml/backend.ts';
import { instantiateMlpKernel, type KernelArray } from '../../../ml/kernels/mlp-kernel.ts';
import { KernelMlp, parameterCount } from '../../../ml/kernels/mlp-network.ts';
import { KernelAdam } from '../../../ml/kernels/mlp-adam.ts';
import type { PpoAgent } from './ppo.ts';
import type { PpoConfig } from './ppo-defaults.ts';
import { HALF_LOG_2PI, type Minibatch, type PpoLearner } from './ppo-learner.ts';
import { PpoCriticStep, type CriticStepConfig } from './ppo-critic-step.ts';

export class PpoKernelLearner implements PpoLearner {
  private readonly actor: KernelMlp;
  private readonly critic: PpoCriticStep;
  private readonly logStdParams: KernelArray;
  private readonly logStdGrads: KernelArray;
  private readonly adam: KernelAdam;
  private readonly input: KernelArray;
  private readonly dMean: KernelArray;
  private readonly z: Float64Array;

  constructor(
    private readonly agent: PpoAgent,
    private readonly config: Readonly<PpoConfig>,
    private readonly maxBatch: number,
  ) {
    const { obsDim, actDim } = agent;
    const kernel = instantiateMlpKernel();
    const actorSizes = [obsDim, ...config.hiddenSizes, actDim];
    const actorCount = parameterCount(actorSizes);
    const weights = agent.exportWeights(); // actor layers, critic layers, log-std
    const depth = config.hiddenSizes.length + 1;
    const flatOf = (list: typeof weights) => Float32Array.from(list.flatMap((w) => Array.from(w.values)));
    // The actor and the log-std in one flat array, so one norm and one Adam cover both.
    const params = kernel.array(actorCount + actDim);
    params.view.set(flatOf(weights.slice(0, 2 * depth)));
    params.view.set(weights.at(-1)!.values, actorCount);
    const grads = kernel.array(params.length);
    this.actor = new KernelMlp(kernel, actorSizes, 'tanh', params.slice(0, actorCount), grads.slice(0, actorCount), maxBatch);
    this.logStdParams = params.slice(actorCount, actDim);
    this.logStdGrads = grads.slice(actorCount, actDim);
    this.adam = new KernelAdam(kernel, params, grads, 0.9, 0.999, config.adamEpsilon);
    const criticConfig: CriticStepConfig = { obsDim, hiddenSizes: config.hiddenSizes, maxBatch, adamEpsilon: config.adamEpsilon, clipVloss: config.clipVloss, clipCoef: config.clipCoef, vfCoef: config.vfCoef };
    const criticWeights = flatOf(weights.slice(2 * depth, 4 * depth));
    this.critic = new PpoCriticStep(criticConfig, criticWeights);
    this.input = kernel.array(maxBatch * obsDim);
    this.dMean = kernel.array(maxBatch * actDim);
    this.z = new Float64Array(maxBatch * actDim);
  }

  /** Copies n observations into the kernel. */
  private load(obs: Float32Array): number {
    const n = obs.length / this.agent.obsDim;
    if (!Number.isInteger(n) || n > this.maxBatch) throw new Error(`${obs.length} observation values are not whole rows of ${this.agent.obsDim}, at most ${this.maxBatch}`);
    this.input.view.set(obs);
    return n;
  }

  policyAndValue(obs: Float32Array, n: number): { mean: Float32Array; value: Float32Array } {
    this.load(obs);
    const mean = this.actor.forward(this.input, n).view.slice(0, n * this.agent.actDim);
    return { mean, value: this.critic.values(obs, n) };
  }

  value(obs: Float32Array): Float32Array {
    return this.critic.values(obs, this.load(obs));
  }

  logStd(): Float32Array {
    return this.logStdParams.view.slice();
  }

  update(m: Minibatch, learningRate: number): Float32Array {
    const n = this.load(m.obs);
    this.critic.begin(m.obs, m.returns, m.values, n);
    const stats = this.policyGradients(m, n, this.actor.forward(this.input, n).view);
    this.actor.backward(this.dMean, { weightGrads: true });
    const actorSquares = this.adam.sumOfSquares();
    const { sumSquares, valueLoss } = this.critic.end();
    // Clip the global norm over every gradient together (torch's clip_grad_norm_), inside Adam.
    const scale = Math.min(1, this.config.maxGradNorm / (Math.sqrt(actorSquares + sumSquares) + 1e-6));
    this.critic.apply(learningRate, scale);
    this.adam.step(learningRate, scale);
    stats[1] = (0.5 * valueLoss) / n;
    return stats;
  }

  /**
   * pg_loss − ent_coef·entropy at the actor's means and the log-std: writes its gradient with
   * respect to both and returns the six statistics (value_loss filled in by the caller).
   */
  private policyGradients(m: Minibatch, n: number, mean: Float32Array): Float32Array {
    const { actDim } = this.agent;
    const { clipCoef, entCoef } = this.config;
    const logStd = this.logStdParams.view;
    const invStd = Float64Array.from(logStd, (s) => Math.exp(-s));
    const sumLogStd = logStd.reduce((s, x) => s + x, 0);
    const dMean = this.dMean.view;
    const dLogStd = new Float64Array(actDim);
    const { z } = this;
    let pg = 0, oldKl = 0, kl = 0, clipped = 0;
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
    }
    const dLogStdOut = this.logStdGrads.view;
    for (let j = 0; j < actDim; j++) dLogStdOut[j] = dLogStd[j] - entCoef;
    return Float32Array.of(pg / n, 0, sumLogStd + actDim * (0.5 + HALF_LOG_2PI), oldKl / n, kl / n, clipped / n);
  }

  sync(): void {
    const depth = this.config.hiddenSizes.length + 1;
    const actor = this.actor.params.view;
    const critic = this.critic.parameters();
    const variables = this.agent.trainableVariables(); // actor layers, critic layers, log-std
    let offset = 0;
    const assign = (variable: tf.Variable, from: Float32Array, at: number) => tf.tidy(() => variable.assign(tf.tensor(from.slice(at, at + variable.size), variable.shape)));
    variables.slice(0, 2 * depth).forEach((v) => {
      assign(v, actor, offset);
      offset += v.size;
    });
    offset = 0;
    variables.slice(2 * depth, 4 * depth).forEach((v) => {
      assign(v, critic, offset);
      offset += v.size;
    });
    assign(variables.at(-1)!, this.logStdParams.view, 0);
  }

  finish(): void {
    this.sync(); // the kernel instances' memory goes with this object
  }
}
