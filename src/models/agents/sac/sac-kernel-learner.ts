/**
 * SAC's update on the mlp wasm kernel: the actor, the twin critics and their targets run as kernel
 * networks over the agent's flat groups (actor; qf1 + qf2; qf1_target + qf2_target), with three
 * kernel Adams (actor, critics, log α) whose state reads and writes as tfjs's. The squashed
 * Gaussian, the soft target, the losses and their gradients at the networks' inputs and outputs are
 * written out here in JS, in sac-tfjs-learner.ts's order and with tfjs's conventions where a
 * minimum ties (minimum(a, b) sends the gradient to a when a ≤ b). The critics step before the actor
 * reads them, α is the value from before the step, as in the tfjs update. The agent's variables are
 * written in finish() (and at a checkpoint's sync()).
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
import { SacCriticHalf, type CriticHalfConfig, type CriticHalfState, type SacCriticSide } from './sac-critic-half.ts';
import { SacCriticRemote } from './sac-critic-remote.ts';

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
  /** qf1 (with qf1_target) here; qf2 (with qf2_target) here or on a worker. */
  private readonly critics: [SacCriticSide, SacCriticSide];
  private readonly criticCount: number;
  private readonly logAlpha: KernelArray;
  private readonly adams: { actor: KernelAdam; alpha: KernelAdam };
  private readonly obs: KernelArray;
  private readonly criticInput: KernelArray;
  private readonly dAction: [KernelArray, KernelArray];
  private readonly dHeads: KernelArray;
  private readonly noise: KernelArray;
  private readonly sampled: Sample;

  /** `threads` 2: qf2's half runs on a worker thread (the same arithmetic, so the same bits). */
  constructor(
    private readonly agent: SacAgent,
    private readonly config: Readonly<SacConfig>,
    maxBatch: number,
    threads: 1 | 2,
  ) {
    const { obsDim, actDim } = agent;
    const kernel = (this.kernel = instantiateMlpKernel());
    const flat = agent.flatParameters();
    const actorSizes = [obsDim, ...config.hiddenSizes, 2 * actDim];
    const critic = (this.criticCount = parameterCount([obsDim + actDim, ...config.hiddenSizes, 1]));
    const loaded = (values: Float32Array) => {
      const array = kernel.array(values.length);
      array.view.set(values);
      return array;
    };
    const actorParams = loaded(flat.actor);
    const actorGrads = kernel.array(actorParams.length);
    this.logAlpha = loaded(Float32Array.of(flat.logAlpha));
    this.actor = new KernelMlp(kernel, actorSizes, 'relu', actorParams, actorGrads, maxBatch);
    const halfConfig: CriticHalfConfig = { obsDim, actDim, hiddenSizes: config.hiddenSizes, maxBatch, tau: config.tau };
    const half = (i: number) => [flat.qf.slice(i * critic, (i + 1) * critic), flat.qf_target.slice(i * critic, (i + 1) * critic)] as const;
    this.critics = [new SacCriticHalf(halfConfig, ...half(0)), threads === 2 ? new SacCriticRemote(halfConfig, ...half(1)) : new SacCriticHalf(halfConfig, ...half(1))];
    // torch's Adam defaults (β 0.9, 0.999, ε 1e-8), as CleanRL; the critics' Adam is split between their halves.
    this.adams = {
      actor: new KernelAdam(kernel, actorParams, actorGrads, 0.9, 0.999, 1e-8),
      alpha: new KernelAdam(kernel, this.logAlpha, kernel.array(1), 0.9, 0.999, 1e-8),
    };
    this.obs = kernel.array(maxBatch * obsDim);
    this.criticInput = kernel.array(maxBatch * (obsDim + actDim));
    this.dAction = [kernel.array(maxBatch * actDim), kernel.array(maxBatch * actDim)];
    this.dHeads = kernel.array(maxBatch * 2 * actDim);
    this.noise = kernel.array(2 * maxBatch * actDim);
    const rows = () => kernel.array(maxBatch * actDim);
    this.sampled = { logProb: kernel.array(maxBatch), squashed: rows(), noiseScaled: rows(), rawTanh: rows(), terms: rows() };
  }

  async importOptimizerState(state: readonly NamedWeights[]): Promise<void> {
    for (const key of ADAM_NAMES) {
      const mine = state.filter((w) => w.name.startsWith(`optim.${key}.`)).sort((a, b) => Number(a.name.split('.')[2]) - Number(b.name.split('.')[2]));
      if (mine.length === 0) continue;
      const iterations = mine[0].values[0];
      const [m, v] = mine.length === 3 ? [mine[1].values, mine[2].values] : [undefined, undefined];
      if (key === 'critic') {
        const c = this.criticCount;
        this.critics.forEach((half, i) => half.setAdam(m?.slice(i * c, (i + 1) * c) ?? new Float32Array(c), v?.slice(i * c, (i + 1) * c) ?? new Float32Array(c), iterations));
        continue;
      }
      const adam = this.adams[key];
      adam.iterations = iterations;
      if (m && v) {
        adam.m.view.set(m);
        adam.v.view.set(v);
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
    const alpha = Math.fround(Math.exp(this.logAlpha.view[0]));
    this.noise.view.set(noise);
    const y = this.softTarget(batch, this.noise.slice(0, n * this.agent.actDim), alpha, n);
    const [criticLoss, meanQ] = this.criticStep(batch, y, n);
    const [actorLoss, entropy] = this.actorStep(batch, this.noise.slice(n * this.agent.actDim, n * this.agent.actDim), alpha, n);
    this.temperatureStep(targetEntropy, n);
    this.critics[1].polyak();
    this.critics[0].polyak();
    return Float32Array.of(actorLoss, criticLoss, alpha, meanQ, entropy);
  }

  /** Rows of [observation | action] for the critics: observations from `obs`, actions written after. */
  private fillCriticInput(obs: Float32Array, n: number): Float32Array {
    const { obsDim, actDim } = this.agent;
    const input = this.criticInput.view;
    for (let r = 0; r < n; r++) input.set(obs.subarray(r * obsDim, (r + 1) * obsDim), r * (obsDim + actDim));
    return input;
  }

  /** y = r + γ(1 − terminated)(min(Q1', Q2')(s', a') − α log π(a'|s')), a' ~ π(s'). */
  private softTarget(batch: ReplayBatch, eps: KernelArray, alpha: number, n: number): Float64Array {
    this.obs.view.set(batch.nextObs);
    this.fillCriticInput(batch.nextObs, n);
    this.sample(this.actor.forward(this.obs, n), eps, n);
    const input = this.criticInput.view;
    this.critics[1].beginTarget(input, n); // the remote twin first, so that both run at once
    this.critics[0].beginTarget(input, n);
    const q1 = this.critics[0].endValues();
    const q2 = this.critics[1].endValues();
    const logProb = this.sampled.logProb.view;
    const y = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const softValue = Math.min(q1[r], q2[r]) - alpha * logProb[r];
      y[r] = batch.rewards[r] + this.config.gamma * (1 - batch.terminal[r]) * softValue;
    }
    return y;
  }

  /** Both critics regress on y (loss (MSE₁ + MSE₂)/2), one Adam step; returns [critic_loss, mean_q]. */
  private criticStep(batch: ReplayBatch, y: Float64Array, n: number): [number, number] {
    const { obsDim, actDim } = this.agent;
    const input = this.fillCriticInput(batch.obs, n);
    for (let r = 0; r < n; r++) input.set(batch.actions.subarray(r * actDim, (r + 1) * actDim), r * (obsDim + actDim) + obsDim);
    this.critics[1].beginCriticStep(input, y, n, this.config.learningRate);
    this.critics[0].beginCriticStep(input, y, n, this.config.learningRate);
    const one = this.critics[0].endCriticStep();
    const two = this.critics[1].endCriticStep();
    return [(one.loss + two.loss) / n / 2, (one.sumQ + two.sumQ) / n / 2];
  }

  /** The actor maximises min(Q1, Q2)(s, a) − α log π(a|s), a ~ π(s); returns [actor_loss, entropy]. */
  private actorStep(batch: ReplayBatch, eps: KernelArray, alpha: number, n: number): [number, number] {
    this.obs.view.set(batch.obs);
    this.fillCriticInput(batch.obs, n);
    this.sample(this.actor.forward(this.obs, n), eps, n);
    const input = this.criticInput.view;
    this.critics[1].beginForward(input, n);
    this.critics[0].beginForward(input, n);
    const q1 = this.critics[0].endValues();
    const q2 = this.critics[1].endValues();
    const [d1, d2] = [new Float32Array(n), new Float32Array(n)];
    const logProb = this.sampled.logProb.view;
    let loss = 0;
    let sumLogProb = 0;
    for (let r = 0; r < n; r++) {
      loss += alpha * logProb[r] - Math.min(q1[r], q2[r]);
      sumLogProb += logProb[r];
      d1[r] = q1[r] <= q2[r] ? -1 / n : 0;
      d2[r] = q1[r] <= q2[r] ? 0 : -1 / n;
    }
    this.critics[1].beginActionGradient(d2, n);
    this.critics[0].beginActionGradient(d1, n);
    this.dAction[0].view.set(this.critics[0].endActionGradient());
    this.dAction[1].view.set(this.critics[1].endActionGradient());
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
  private optimizerState(critics: CriticHalfState[]): NamedWeights[] {
    const joined = (part: 'm' | 'v') => Float32Array.from([...critics[0][part], ...critics[1][part]]);
    const adams = {
      actor: { iterations: this.adams.actor.iterations, m: this.adams.actor.m.view.slice(), v: this.adams.actor.v.view.slice(), shape: [this.actor.params.length] },
      critic: { iterations: critics[0].iterations, m: joined('m'), v: joined('v'), shape: [2 * this.criticCount] },
      alpha: { iterations: this.adams.alpha.iterations, m: this.adams.alpha.m.view.slice(), v: this.adams.alpha.v.view.slice(), shape: [] as number[] },
    };
    return ADAM_NAMES.flatMap((key) => {
      const { iterations, m, v, shape } = adams[key];
      const count: NamedWeights = { name: `optim.${key}.0`, shape: [], values: Float32Array.of(iterations) };
      if (iterations === 0) return [count];
      return [count, { name: `optim.${key}.1`, shape, values: m }, { name: `optim.${key}.2`, shape, values: v }];
    });
  }

  async sync(): Promise<void> {
    const critics = this.critics.map((half) => half.state());
    const joined = (part: 'q' | 'target') => Float32Array.from([...critics[0][part], ...critics[1][part]]);
    this.agent.setFlatParameters({ actor: this.actor.params.view.slice(), qf: joined('q'), qf_target: joined('target'), logAlpha: this.logAlpha.view[0] });
    this.agent.optimizerState = this.optimizerState(critics);
  }

  async finish(): Promise<void> {
    await this.sync();
    this.dispose();
  }

  dispose(): void {
    this.critics.forEach((half) => half.dispose());
  }
}
