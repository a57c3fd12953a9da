/**
 * SAC's update on the mlp wasm kernel, on one thread: the actor, the twin critics and their targets
 * run as kernel networks in one kernel instance, over the agent's flat groups (actor; qf1 + qf2;
 * qf1_target + qf2_target), with three kernel Adams (actor, critics, log α) whose state reads and
 * writes as tfjs's. Both critics read the same input rows in the kernel's memory, so an update copies
 * the replay sample in once per pass. The squashed Gaussian, the soft target, the losses and their
 * gradients at the networks' inputs and outputs are written out here in JS, in sac-tfjs-learner.ts's
 * order and with tfjs's conventions where a minimum ties (minimum(a, b) sends the gradient to a when
 * a ≤ b). The critics step before the actor reads them, α is the value from before the step, as in
 * the tfjs update. The agent's variables are written in finish() (and at a checkpoint's sync()).
 * (A second thread for qf2 was measured and dropped: on this 2-core machine it bought nothing when the
 * other core was busy, and the local runner runs jobs side by side.)
 */
import { gaussian } from '../../../ml/seeded-init.ts';
import type { Rng } from '../../../ml/random.ts';
import { instantiateMlpKernel, type KernelArray, type MlpKernel } from '../../../ml/kernels/mlp-kernel.ts';
import { KernelMlp, parameterCount } from '../../../ml/kernels/mlp-network.ts';
import { KernelAdam } from '../../../ml/kernels/mlp-adam.ts';
import type { NamedWeights } from '../agent-artifacts.ts';
import type { ReplayBatch, SacAgent } from './sac.ts';
import type { SacConfig } from './sac-defaults.ts';
import type { SacLearner } from './sac-learner.ts';
import { HALF_LOG_2PI, LOG_STD_MAX, LOG_STD_MIN, SQUASH_EPSILON } from './sac-losses.ts';

const LOG_STD_HALF_RANGE = 0.5 * (LOG_STD_MAX - LOG_STD_MIN);
const ADAM_NAMES = ['actor', 'critic', 'alpha'] as const;

/** One reparameterised sample per row, in the kernel: log π, and what its backward needs. */
interface Sample {
  logProb: KernelArray;
  /** tanh(u), σ·ε and tanh(raw log-std), n × actDim. */
  squashed: KernelArray;
  noiseScaled: KernelArray;
  rawTanh: KernelArray;
  /** Scratch: each action dimension's term of log π. */
  terms: KernelArray;
}

export class SacKernelLearner implements SacLearner {
  private readonly kernel: MlpKernel;
  private readonly actor: KernelMlp;
  /** qf1, qf2 and their targets: slices of the flat `qf` and `qfTarget` (the agent's layout). */
  private readonly critics: [KernelMlp, KernelMlp];
  private readonly targets: [KernelMlp, KernelMlp];
  private readonly qf: KernelArray;
  private readonly qfTarget: KernelArray;
  private readonly logAlpha: KernelArray;
  private readonly adams: Record<(typeof ADAM_NAMES)[number], KernelAdam>;
  private readonly obs: KernelArray;
  /** Rows of [observation | action], the critics' input. */
  private readonly criticInput: KernelArray;
  private readonly dQ: [KernelArray, KernelArray];
  private readonly dAction: [KernelArray, KernelArray];
  private readonly dHeads: KernelArray;
  private readonly noise: KernelArray;
  private readonly sampled: Sample;
  private readonly y: Float64Array;

  constructor(
    private readonly agent: SacAgent,
    private readonly config: Readonly<SacConfig>,
    maxBatch: number,
  ) {
    const { obsDim, actDim } = agent;
    const kernel = (this.kernel = instantiateMlpKernel());
    const flat = agent.flatParameters();
    const actorSizes = [obsDim, ...config.hiddenSizes, 2 * actDim];
    const criticSizes = [obsDim + actDim, ...config.hiddenSizes, 1];
    const count = parameterCount(criticSizes);
    const loaded = (values: Float32Array) => {
      const array = kernel.array(values.length);
      array.view.set(values);
      return array;
    };
    const actorParams = loaded(flat.actor);
    const actorGrads = kernel.array(actorParams.length);
    this.actor = new KernelMlp(kernel, actorSizes, 'relu', actorParams, actorGrads, maxBatch);
    this.qf = loaded(flat.qf);
    this.qfTarget = loaded(flat.qf_target);
    const qfGrads = kernel.array(this.qf.length);
    const targetGrads = kernel.array(count); // the targets' gradients are never written
    const half = (i: number) => new KernelMlp(kernel, criticSizes, 'relu', this.qf.slice(i * count, count), qfGrads.slice(i * count, count), maxBatch);
    const target = (i: number) => new KernelMlp(kernel, criticSizes, 'relu', this.qfTarget.slice(i * count, count), targetGrads, maxBatch);
    this.critics = [half(0), half(1)];
    this.targets = [target(0), target(1)];
    this.logAlpha = loaded(Float32Array.of(flat.logAlpha));
    // torch's Adam defaults (β 0.9, 0.999, ε 1e-8), as CleanRL; one Adam over both critics (elementwise: as one per critic).
    this.adams = {
      actor: new KernelAdam(kernel, actorParams, actorGrads, 0.9, 0.999, 1e-8),
      critic: new KernelAdam(kernel, this.qf, qfGrads, 0.9, 0.999, 1e-8),
      alpha: new KernelAdam(kernel, this.logAlpha, kernel.array(1), 0.9, 0.999, 1e-8),
    };
    this.obs = kernel.array(maxBatch * obsDim);
    this.criticInput = kernel.array(maxBatch * (obsDim + actDim));
    this.dQ = [kernel.array(maxBatch), kernel.array(maxBatch)];
    this.dAction = [kernel.array(maxBatch * actDim), kernel.array(maxBatch * actDim)];
    this.dHeads = kernel.array(maxBatch * 2 * actDim);
    this.noise = kernel.array(2 * maxBatch * actDim);
    const rows = () => kernel.array(maxBatch * actDim);
    this.sampled = { logProb: kernel.array(maxBatch), squashed: rows(), noiseScaled: rows(), rawTanh: rows(), terms: rows() };
    this.y = new Float64Array(maxBatch);
  }

  async importOptimizerState(state: readonly NamedWeights[]): Promise<void> {
    for (const key of ADAM_NAMES) {
      const mine = state.filter((w) => w.name.startsWith(`optim.${key}.`)).sort((a, b) => Number(a.name.split('.')[2]) - Number(b.name.split('.')[2]));
      if (mine.length === 0) continue;
      const adam = this.adams[key];
      adam.iterations = mine[0].values[0];
      if (mine.length === 3) {
        adam.m.view.set(mine[1].values);
        adam.v.view.set(mine[2].values);
      }
    }
  }

  act(obs: Float32Array, rng: Rng): Float32Array {
    const { actDim, obsDim } = this.agent;
    const n = obs.length / obsDim;
    this.obs.view.set(obs);
    const heads = this.actor.forward(this.obs, n).view;
    const out = new Float32Array(n * actDim);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < actDim; j++) {
        const logStd = LOG_STD_MIN + LOG_STD_HALF_RANGE * (Math.tanh(heads[r * 2 * actDim + actDim + j]) + 1);
        const u = heads[r * 2 * actDim + j] + Math.exp(logStd) * gaussian(rng);
        out[r * actDim + j] = this.config.actionScale * Math.tanh(u);
      }
    }
    return out;
  }

  update(batch: ReplayBatch, noise: Float32Array, targetEntropy: number): Float32Array {
    const n = batch.rewards.length;
    const { actDim } = this.agent;
    const alpha = Math.fround(Math.exp(this.logAlpha.view[0]));
    this.noise.view.set(noise);
    this.softTarget(batch, this.noise.slice(0, n * actDim), alpha, n);
    const [criticLoss, meanQ] = this.criticStep(batch, n);
    const [actorLoss, entropy] = this.actorStep(batch, this.noise.slice(n * actDim, n * actDim), alpha, n);
    this.temperatureStep(targetEntropy, n);
    this.kernel.fn.polyak(this.qfTarget.ptr, this.qf.ptr, this.qf.length, this.config.tau);
    return Float32Array.of(actorLoss, criticLoss, alpha, meanQ, entropy);
  }

  /** Observation rows into the actor's input. */
  private loadActorInput(obs: Float32Array, n: number): void {
    this.obs.view.set(obs.subarray(0, n * this.agent.obsDim));
  }

  /** Observation rows into the critics' [observation | action] rows (the actions are written after). */
  private loadCriticInput(obs: Float32Array, n: number): void {
    const { obsDim, actDim } = this.agent;
    const input = this.criticInput.view;
    for (let r = 0; r < n; r++) input.set(obs.subarray(r * obsDim, (r + 1) * obsDim), r * (obsDim + actDim));
  }

  /** y = r + γ(1 − terminated)(min(Q1', Q2')(s', a') − α log π(a'|s')), a' ~ π(s'), into this.y. */
  private softTarget(batch: ReplayBatch, eps: KernelArray, alpha: number, n: number): void {
    this.loadActorInput(batch.nextObs, n);
    this.loadCriticInput(batch.nextObs, n);
    this.sample(this.actor.forward(this.obs, n), eps, n);
    const q1 = this.targets[0].forward(this.criticInput, n).view;
    const q2 = this.targets[1].forward(this.criticInput, n).view;
    const logProb = this.sampled.logProb.view;
    const { y } = this;
    for (let r = 0; r < n; r++) {
      const softValue = Math.min(q1[r], q2[r]) - alpha * logProb[r];
      y[r] = batch.rewards[r] + this.config.gamma * (1 - batch.terminal[r]) * softValue;
    }
  }

  /** Both critics regress on y (loss (MSE₁ + MSE₂)/2), one Adam step; returns [critic_loss, mean_q]. */
  private criticStep(batch: ReplayBatch, n: number): [number, number] {
    const { obsDim, actDim } = this.agent;
    this.loadCriticInput(batch.obs, n);
    const input = this.criticInput.view;
    for (let r = 0; r < n; r++) input.set(batch.actions.subarray(r * actDim, (r + 1) * actDim), r * (obsDim + actDim) + obsDim);
    let loss = 0;
    let sumQ = 0;
    for (let i = 0; i < 2; i++) {
      // Each critic's sums apart, then added: the order of the per-critic learners this replaced.
      const q = this.critics[i].forward(this.criticInput, n).view;
      const dQ = this.dQ[i].view;
      let criticLoss = 0;
      let criticSumQ = 0;
      for (let r = 0; r < n; r++) {
        const error = q[r] - this.y[r];
        criticLoss += error * error;
        criticSumQ += q[r];
        dQ[r] = error / n; // d/dQ of (MSE₁ + MSE₂)/2
      }
      this.critics[i].backward(this.dQ[i], { weightGrads: true });
      loss += criticLoss;
      sumQ += criticSumQ;
    }
    this.adams.critic.step(this.config.learningRate);
    return [loss / n / 2, sumQ / n / 2];
  }

  /** The actor maximises min(Q1, Q2)(s, a) − α log π(a|s), a ~ π(s); returns [actor_loss, entropy]. */
  private actorStep(batch: ReplayBatch, eps: KernelArray, alpha: number, n: number): [number, number] {
    const { obsDim, actDim } = this.agent;
    // The critics' rows still hold batch.obs from the critic step (the sample overwrites only their actions).
    this.loadActorInput(batch.obs, n);
    this.sample(this.actor.forward(this.obs, n), eps, n);
    const q1 = this.critics[0].forward(this.criticInput, n).view;
    const q2 = this.critics[1].forward(this.criticInput, n).view;
    const [d1, d2] = [this.dQ[0].view, this.dQ[1].view];
    const logProb = this.sampled.logProb.view;
    let loss = 0;
    let sumLogProb = 0;
    for (let r = 0; r < n; r++) {
      loss += alpha * logProb[r] - Math.min(q1[r], q2[r]);
      sumLogProb += logProb[r];
      d1[r] = q1[r] <= q2[r] ? -1 / n : 0;
      d2[r] = q1[r] <= q2[r] ? 0 : -1 / n;
    }
    for (let i = 0; i < 2; i++) this.critics[i].backward(this.dQ[i], { weightGrads: false, inputGrad: { from: obsDim, to: obsDim + actDim, into: this.dAction[i] } });
    this.squashBackward(alpha / n, n);
    this.actor.backward(this.dHeads, { weightGrads: true });
    this.adams.actor.step(this.config.learningRate);
    return [loss / n, -sumLogProb / n];
  }

  /** log α's step on mean(−α·(log π + target entropy)), log π the actor step's (held fixed). */
  private temperatureStep(targetEntropy: number, n: number): void {
    let sum = 0;
    const logProb = this.sampled.logProb.view;
    for (let r = 0; r < n; r++) sum += logProb[r] + targetEntropy;
    this.adams.alpha.grads.view[0] = -Math.exp(this.logAlpha.view[0]) * (sum / n);
    this.adams.alpha.step(this.config.alphaLearningRate);
  }

  /** a ~ π(·|s) from the actor's heads [mean | raw log-std], into the critics' input rows; log π and the backward's inputs into `sampled`. */
  private sample(heads: KernelArray, eps: KernelArray, n: number): void {
    const { obsDim, actDim } = this.agent;
    const { logProb, squashed, noiseScaled, rawTanh, terms } = this.sampled;
    const out = this.criticInput.ptr + 4 * obsDim;
    this.kernel.fn.squash_sample(heads.ptr, eps.ptr, n, actDim, this.config.actionScale, LOG_STD_MIN, LOG_STD_HALF_RANGE, HALF_LOG_2PI, SQUASH_EPSILON, out, obsDim + actDim, logProb.ptr, squashed.ptr, noiseScaled.ptr, rawTanh.ptr, terms.ptr);
  }

  /** The actor loss's gradient at the heads, from its gradient at the actions (both critics) and at log π (dLogProb per row). */
  private squashBackward(dLogProb: number, n: number): void {
    const { squashed, noiseScaled, rawTanh } = this.sampled;
    this.kernel.fn.squash_backward(this.dAction[0].ptr, this.dAction[1].ptr, squashed.ptr, noiseScaled.ptr, rawTanh.ptr, n, this.agent.actDim, this.config.actionScale, LOG_STD_HALF_RANGE, SQUASH_EPSILON, dLogProb, this.dHeads.ptr);
  }

  /** Each Adam's state as tfjs's getWeights() gives it: [iterations, m, v], the moments once it has stepped. */
  private optimizerState(): NamedWeights[] {
    return ADAM_NAMES.flatMap((key) => {
      const adam = this.adams[key];
      const count: NamedWeights = { name: `optim.${key}.0`, shape: [], values: Float32Array.of(adam.iterations) };
      if (adam.iterations === 0) return [count];
      const shape = key === 'alpha' ? [] : [adam.params.length];
      return [count, { name: `optim.${key}.1`, shape, values: adam.m.view.slice() }, { name: `optim.${key}.2`, shape, values: adam.v.view.slice() }];
    });
  }

  async sync(): Promise<void> {
    this.agent.setFlatParameters({ actor: this.actor.params.view.slice(), qf: this.qf.view.slice(), qf_target: this.qfTarget.view.slice(), logAlpha: this.logAlpha.view[0] });
    this.agent.optimizerState = this.optimizerState();
  }

  async finish(): Promise<void> {
    await this.sync();
  }

  dispose(): void {
    // The kernel instance's memory goes with this object.
  }
}
