/**
 * SAC for continuous actions, after CleanRL's sac_continuous_action.py (one file, same names, same
 * structure), in TensorFlow.js, against the VectorEnv contract. The policy is a tanh-squashed
 * Gaussian over the env's raw actions (for the portfolio env, the S+1 logits that the env turns into
 * weights: the softmax and the caps come after, in the env).
 *
 * - Actor: (64, 64) ReLU → mean and log-std; log-std = LOG_STD_MIN + ½(MAX − MIN)(tanh(raw) + 1), as
 *   CleanRL (−5, 2). Reparameterised u = mean + std·ε, action a = actionScale·tanh(u), and
 *   log π(a) = log N(u) − Σ log(actionScale·(1 − tanh²u) + 1e-6) (squashedLogProb).
 * - Twin Q critics qf1, qf2 (64, 64) ReLU over [state, action], with target networks qf1_target,
 *   qf2_target initialised as copies and moved by Polyak averaging (τ) after every update.
 * - Target y = r + γ(1 − terminated)(min(Q1', Q2')(s', a') − α log π(a'|s')), a' ~ π(s'): a
 *   truncation stores finalObs as s' and is not terminal, so it bootstraps (nextObsAndMask, softQTarget).
 * - Temperature: log α learned towards the target entropy −actDim (CleanRL's autotune).
 * - Replay: a fixed-size ring of Float32Arrays, uniform seeded sampling with replacement.
 *
 * Differences from CleanRL, on purpose:
 * - one Adam learning rate (3e-4) for actor, critics and α (CleanRL: q_lr 1e-3), batch 64 (256),
 *   learning_starts 1000 (5000), and the actor is updated at every step (CleanRL's policy_frequency 2
 *   updates it twice every second step: the same number of actor steps);
 * - the temperature step reuses the log-probs of the actor step's sample (CleanRL samples again
 *   after the actor step): one actor forward fewer per update;
 * - the actor's last layer is one dense layer of 2·actDim outputs (mean | raw log-std), not two heads;
 * - orthogonal initialisation as the PPO agent (√2 hidden, 1.0 critic out, 0.01 actor out, zero
 *   biases) rather than torch's default uniform;
 * - α starts at `initialAlpha` 0.01 (CleanRL: 1): the portfolio's weekly log-return rewards are ~0.01,
 *   and at α = 1 (log α moving ~lr per step) the policy would stay near-uniform for tens of thousands of steps.
 * - with numEnvs > 1 each vector step stores numEnvs transitions and takes numEnvs gradient steps
 *   (one per environment step); the default is one env, as CleanRL.
 * Fine-tuning (options.initial) copies every network, the targets, log α and, when the agent carries
 * it, the three Adams' state, and trains at 1e-4; its warm-up samples the initial policy instead of
 * uniform actions.
 */
import type { StepResult, VectorEnv } from '../env/agent-env.ts';
import { episodeSharpe } from '../portfolio-metrics.ts';
import type { NamedWeights } from '../agent-artifacts.ts';
import { FINETUNE_LEARNING_RATE, type EnvSource } from '../ppo/ppo.ts';
import { tf } from '../../../ml/backend.ts';
import { mulberry32, nextSeed, type Rng } from '../../../ml/random.ts';
import { gaussian, orthogonal } from '../../../ml/seeded-init.ts';
import { DEFAULT_SAC_CONFIG, type SacConfig } from './sac-defaults.ts';

export { DEFAULT_SAC_CONFIG, FINETUNE_LEARNING_RATE, type EnvSource, type NamedWeights, type SacConfig };

export const LOG_STD_MIN = -5;
export const LOG_STD_MAX = 2;
/** The ε inside the squash's log-Jacobian, as CleanRL. */
export const SQUASH_EPSILON = 1e-6;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

// ---------------------------------------------------------------------------------------------
// Pure pieces (tested on their own and used as they are by the update).
// ---------------------------------------------------------------------------------------------

/**
 * log π(a) of a = scale·tanh(u), u ~ N(mean, exp(logStd)) per dimension, summed over the last axis
 * (n × d → n): log N(u) − Σ log(scale·(1 − tanh²u) + ε). Every Jacobian term of the squash, scale
 * included (CleanRL's formula).
 */
export function squashedLogProb(u: tf.Tensor2D, mean: tf.Tensor2D, logStd: tf.Tensor2D, scale: number): tf.Tensor1D {
  return tf.tidy(() => {
    const z = tf.mul(tf.sub(u, mean), tf.exp(tf.neg(logStd)));
    const logNormal = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(logStd, HALF_LOG_2PI));
    const y = tf.tanh(u);
    const logJacobian = tf.log(tf.add(tf.mul(scale, tf.sub(1, tf.square(y))), SQUASH_EPSILON));
    return tf.sum(tf.sub(logNormal, logJacobian), 1) as tf.Tensor1D;
  });
}

/** The soft Bellman target y = r + γ(1 − terminated)(min(Q1', Q2') − α log π(a'|s')), all n-vectors (α a scalar). */
export function softQTarget(
  reward: tf.Tensor1D,
  terminated: tf.Tensor1D,
  nextQ1: tf.Tensor1D,
  nextQ2: tf.Tensor1D,
  nextLogProb: tf.Tensor1D,
  alpha: tf.Scalar | number,
  gamma: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const softValue = tf.sub(tf.minimum(nextQ1, nextQ2), tf.mul(alpha, nextLogProb));
    return tf.add(reward, tf.mul(tf.mul(gamma, tf.sub(1, terminated)), softValue)) as tf.Tensor1D;
  });
}

/**
 * What the replay stores as s' and the terminal mask, per env: s' is finalObs where the episode
 * ended (terminated or truncated; `obs` then already holds the next episode's start), the next `obs`
 * otherwise; the mask is 1 only where terminated, so a truncation (time limit) bootstraps from
 * Q(finalObs) as any other step.
 */
export function nextObsAndMask(step: StepResult, obsDim: number): { nextObs: Float32Array; terminal: Float32Array } {
  const n = step.reward.length;
  const nextObs = step.obs.slice();
  const terminal = new Float32Array(n);
  for (let e = 0; e < n; e++) {
    if (step.terminated[e]) terminal[e] = 1;
    if (step.terminated[e] || step.truncated[e]) {
      const final = step.finalObs[e];
      if (!final) throw new Error(`env ${e} ended its episode without a finalObs`);
      nextObs.set(final, e * obsDim);
    }
  }
  return { nextObs, terminal };
}

/** CleanRL's alpha_loss = mean(−α·(log π + target entropy)), log π held fixed: α rises when the entropy −log π is below the target. */
export function temperatureLoss(logAlpha: tf.Variable, logProb: tf.Tensor1D, targetEntropy: number): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.mul(tf.neg(tf.exp(logAlpha)), tf.add(logProb, targetEntropy))) as tf.Scalar);
}

// ---------------------------------------------------------------------------------------------
// The agent: actor, twin critics, their targets and log α.
// ---------------------------------------------------------------------------------------------

/** A tensor's place in a network's flat parameter vector. */
interface Slot {
  name: string;
  shape: number[];
}

/** The networks, by their CleanRL names; qf1 and qf2 share one parameter vector (qf), as their targets do (qf_target). */
export const SAC_NETWORKS = ['actor', 'qf1', 'qf2', 'qf1_target', 'qf2_target'] as const;

type Group = 'actor' | 'qf' | 'qf_target';

/** Which critics to run: the online pair (qf1, qf2) or the target pair (qf1_target, qf2_target). */
export type CriticSet = 'critic' | 'target';

/**
 * The actor, the twin critics, their targets and log α. Each group's weights live in ONE flat
 * variable (actor; qf1 + qf2; qf1_target + qf2_target), split into layers by one op per forward:
 * Adam and the Polyak update then cost a handful of ops per group instead of per tensor (the
 * update's cost on this machine is the number of ops, not their size). The weights are exported
 * and read per tensor, by name (`actor.0.w`, `qf2.1.b`, `qf1_target.2.w`, `logAlpha`).
 */
export class SacAgent {
  private readonly groups: Record<Group, tf.Variable>;
  private readonly layouts: Record<Group, Slot[]>;
  readonly logAlpha: tf.Variable;
  private readonly sampler: Rng;
  /** The three Adams' state (plain data) at the end of training, for a fine-tune; null when unknown. */
  optimizerState: NamedWeights[] | null = null;
  private disposed = false;

  private constructor(
    readonly obsDim: number,
    readonly actDim: number,
    readonly config: Readonly<SacConfig>,
    weights: Map<string, NamedWeights>,
  ) {
    this.layouts = SacAgent.layouts(obsDim, actDim, config.hiddenSizes);
    const flat = (slots: Slot[]) => {
      const out = new Float32Array(slots.reduce((s, slot) => s + sizeOf(slot.shape), 0));
      let offset = 0;
      for (const slot of slots) {
        out.set(weights.get(slot.name)!.values, offset);
        offset += sizeOf(slot.shape);
      }
      return tf.tidy(() => tf.variable(tf.tensor1d(out), true));
    };
    this.groups = { actor: flat(this.layouts.actor), qf: flat(this.layouts.qf), qf_target: flat(this.layouts.qf_target) };
    this.logAlpha = tf.tidy(() => tf.variable(tf.scalar(weights.get('logAlpha')!.values[0]), true));
    this.sampler = mulberry32(config.seed ^ 0x5ac);
  }

  /** Every tensor's name and shape, per group: actor (last layer 2·actDim: mean | raw log-std), qf1 then qf2, their targets. */
  static layouts(obsDim: number, actDim: number, hiddenSizes: readonly number[]): Record<Group, Slot[]> {
    const dense = (prefix: string, sizes: number[]): Slot[] =>
      sizes.slice(1).flatMap((out, i) => [
        { name: `${prefix}.${i}.w`, shape: [sizes[i], out] },
        { name: `${prefix}.${i}.b`, shape: [out] },
      ]);
    const critic = [obsDim + actDim, ...hiddenSizes, 1];
    return {
      actor: dense('actor', [obsDim, ...hiddenSizes, 2 * actDim]),
      qf: [...dense('qf1', critic), ...dense('qf2', critic)],
      qf_target: [...dense('qf1_target', critic), ...dense('qf2_target', critic)],
    };
  }

  /** The expected name → shape of every tensor. */
  static shapes(obsDim: number, actDim: number, hiddenSizes: readonly number[]): Map<string, number[]> {
    const { actor, qf, qf_target } = SacAgent.layouts(obsDim, actDim, hiddenSizes);
    return new Map([...actor, ...qf, ...qf_target, { name: 'logAlpha', shape: [] }].map((s) => [s.name, s.shape]));
  }

  /** A new agent, orthogonally initialised from `seed`; the targets are copies of the critics, α = config.initialAlpha. */
  static create(obsDim: number, actDim: number, config: Readonly<SacConfig>, seed: number): SacAgent {
    const rng = mulberry32(seed);
    const weights: NamedWeights[] = [];
    const depth = config.hiddenSizes.length + 1;
    for (const [name, shape] of SacAgent.shapes(obsDim, actDim, config.hiddenSizes)) {
      const last = Number(name.split('.')[1]) + 1 === depth;
      let values: Float32Array;
      if (name === 'logAlpha') values = Float32Array.of(Math.log(config.initialAlpha));
      else if (name.includes('_target')) values = weights.find((w) => w.name === name.replace('_target', ''))!.values.slice();
      else if (name.endsWith('.b')) values = new Float32Array(sizeOf(shape));
      else values = orthogonal(shape[0], shape[1], last ? (name.startsWith('actor') ? 0.01 : 1) : Math.SQRT2, rng);
      weights.push({ name, shape, values });
    }
    return SacAgent.fromWeights(obsDim, actDim, config, weights);
  }

  /** An agent holding exactly these weights; throws when one is missing or misshapen. */
  static fromWeights(obsDim: number, actDim: number, config: Readonly<SacConfig>, weights: readonly NamedWeights[]): SacAgent {
    const byName = new Map(weights.map((w) => [w.name, w]));
    for (const [name, shape] of SacAgent.shapes(obsDim, actDim, config.hiddenSizes)) {
      const w = byName.get(name);
      if (!w || w.shape.join() !== shape.join() || w.values.length !== sizeOf(shape)) {
        throw new Error(`SAC weights: ${name} must have shape [${shape.join(', ')}]${w ? `, got [${w.shape.join(', ')}]` : ' (missing)'}`);
      }
    }
    return new SacAgent(obsDim, actDim, config, byName);
  }

  /** One group's tensors, split out of its flat variable (one op; its gradient is one concat). */
  private params(group: Group): tf.Tensor[] {
    const slots = this.layouts[group];
    return tf.split(this.groups[group], slots.map((s) => sizeOf(s.shape))).map((t, i) => (slots[i].shape.length === 1 ? t : tf.reshape(t, slots[i].shape)));
  }

  /** The Gaussian's mean and clamped log-std over u (n × obsDim → two n × actDim). */
  actorHeads(obs: tf.Tensor2D): { mean: tf.Tensor2D; logStd: tf.Tensor2D } {
    const [mean, raw] = tf.split(mlp(obs, this.params('actor')), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const logStd = tf.add(LOG_STD_MIN, tf.mul(0.5 * (LOG_STD_MAX - LOG_STD_MIN), tf.add(tf.tanh(raw), 1))) as tf.Tensor2D;
    return { mean, logStd };
  }

  /**
   * A reparameterised sample for given standard-normal noise `eps` (n × actDim): u = mean + std·ε,
   * the action scale·tanh(u) and its log π. The log π is squashedLogProb's with (u − mean)/std = ε
   * written in (the same value and gradient, fewer ops); a test holds the two equal.
   */
  sample(obs: tf.Tensor2D, eps: tf.Tensor2D): { action: tf.Tensor2D; logProb: tf.Tensor1D } {
    const { mean, logStd } = this.actorHeads(obs);
    const scale = this.config.actionScale;
    const y = tf.tanh(tf.add(mean, tf.mul(tf.exp(logStd), eps)));
    const logJacobian = tf.log(tf.add(tf.mul(scale, tf.sub(1, tf.square(y))), SQUASH_EPSILON));
    const logNormal = tf.sub(tf.mul(-0.5, tf.square(eps)), tf.add(logStd, HALF_LOG_2PI));
    return { action: tf.mul(scale, y) as tf.Tensor2D, logProb: tf.sum(tf.sub(logNormal, logJacobian), 1) as tf.Tensor1D };
  }

  /** Both critics' (or both targets') Q(s, a), each an n-vector. */
  q(obs: tf.Tensor2D, action: tf.Tensor2D, set: CriticSet = 'critic'): [tf.Tensor1D, tf.Tensor1D] {
    const params = this.params(set === 'critic' ? 'qf' : 'qf_target');
    const half = params.length / 2;
    const x = tf.concat([obs, action], 1);
    return [tf.reshape(mlp(x, params.slice(0, half)), [-1]), tf.reshape(mlp(x, params.slice(half)), [-1])];
  }

  /**
   * Actions for a batch of observations (flat n × obsDim → flat n × actDim). Deterministic: the
   * squashed mean, actionScale·tanh(mean) (for evaluation). Otherwise a sample, from `rng` or the
   * agent's own seeded one.
   */
  act(obs: Float32Array, deterministic = true, rng: Rng = this.sampler): Float32Array {
    const heads = tf.tidy(() => {
      const { mean, logStd } = this.actorHeads(this.batch(obs));
      return tf.concat([mean, logStd], 1).dataSync() as Float32Array;
    });
    const { actDim } = this;
    const scale = this.config.actionScale;
    const n = heads.length / (2 * actDim);
    const out = new Float32Array(n * actDim);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < actDim; j++) {
        const mean = heads[r * 2 * actDim + j];
        const u = deterministic ? mean : mean + Math.exp(heads[r * 2 * actDim + actDim + j]) * gaussian(rng);
        out[r * actDim + j] = scale * Math.tanh(u);
      }
    }
    return out;
  }

  batch(obs: Float32Array): tf.Tensor2D {
    if (obs.length % this.obsDim !== 0) throw new Error(`observations of ${obs.length} values are not whole rows of ${this.obsDim}`);
    return tf.tensor2d(obs, [obs.length / this.obsDim, this.obsDim]);
  }

  get alpha(): number {
    return Math.exp(this.logAlpha.dataSync()[0]);
  }

  actorVariables(): tf.Variable[] {
    return [this.groups.actor];
  }

  /** qf1 and qf2's weights (one flat variable). */
  criticVariables(): tf.Variable[] {
    return [this.groups.qf];
  }

  /** Polyak averaging, CleanRL's: target ← τ·critic + (1 − τ)·target, for every weight of both targets. */
  softUpdateTargets(tau = this.config.tau): void {
    const target = this.groups.qf_target;
    tf.tidy(() => target.assign(tf.add(tf.mul(tau, this.groups.qf), tf.mul(1 - tau, target))));
  }

  /** The weights as plain data, per tensor, in a fixed order: actor, qf1, qf2, qf1_target, qf2_target, log α. */
  exportWeights(): NamedWeights[] {
    const out: NamedWeights[] = [];
    for (const group of ['actor', 'qf', 'qf_target'] as const) {
      const flat = this.groups[group].dataSync() as Float32Array;
      let offset = 0;
      for (const { name, shape } of this.layouts[group]) {
        out.push({ name, shape, values: flat.slice(offset, offset + sizeOf(shape)) });
        offset += sizeOf(shape);
      }
    }
    out.push({ name: 'logAlpha', shape: [], values: this.logAlpha.dataSync().slice() as Float32Array });
    return out;
  }

  /** A copy with its own variables and the same optimiser state (and, optionally, another config, e.g. a fine-tune's). */
  clone(config: Readonly<SacConfig> = this.config): SacAgent {
    const copy = SacAgent.fromWeights(this.obsDim, this.actDim, config, this.exportWeights());
    copy.optimizerState = this.optimizerState;
    return copy;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose([...Object.values(this.groups), this.logAlpha]);
  }
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Dense layers from [w0, b0, w1, b1, …], ReLU between them; each layer is one fused matMul + bias (+ ReLU) op. */
function mlp(x: tf.Tensor2D, params: tf.Tensor[]): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  const depth = params.length / 2;
  for (let i = 0; i < depth; i++) {
    h = tf.fused.matMul({ a: h, b: params[2 * i] as tf.Tensor2D, bias: params[2 * i + 1], activation: i + 1 < depth ? 'relu' : 'linear' }) as tf.Tensor2D;
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Replay: a ring of flat Float32Arrays, no tensor per transition.
// ---------------------------------------------------------------------------------------------

export interface ReplayBatch {
  obs: Float32Array;
  actions: Float32Array;
  rewards: Float32Array;
  nextObs: Float32Array;
  terminal: Float32Array;
}

export class ReplayBuffer {
  private readonly obs: Float32Array;
  private readonly actions: Float32Array;
  private readonly rewards: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly terminal: Float32Array;
  private position = 0;
  size = 0;

  constructor(
    readonly capacity: number,
    readonly obsDim: number,
    readonly actDim: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`replay capacity must be a positive integer, got ${capacity}`);
    this.obs = new Float32Array(capacity * obsDim);
    this.actions = new Float32Array(capacity * actDim);
    this.rewards = new Float32Array(capacity);
    this.nextObs = new Float32Array(capacity * obsDim);
    this.terminal = new Float32Array(capacity);
  }

  /** Adds row `e` of each flat array (one env's transition); overwrites the oldest when full. */
  add(obs: Float32Array, actions: Float32Array, rewards: ArrayLike<number>, nextObs: Float32Array, terminal: ArrayLike<number>, e: number): void {
    const { obsDim, actDim, position: p } = this;
    this.obs.set(obs.subarray(e * obsDim, (e + 1) * obsDim), p * obsDim);
    this.actions.set(actions.subarray(e * actDim, (e + 1) * actDim), p * actDim);
    this.rewards[p] = rewards[e];
    this.nextObs.set(nextObs.subarray(e * obsDim, (e + 1) * obsDim), p * obsDim);
    this.terminal[p] = terminal[e];
    this.position = (p + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** `n` transitions drawn uniformly (with replacement) from those stored. */
  sample(n: number, rng: Rng): ReplayBatch {
    if (this.size === 0) throw new Error('cannot sample an empty replay buffer');
    const { obsDim, actDim } = this;
    const out: ReplayBatch = { obs: new Float32Array(n * obsDim), actions: new Float32Array(n * actDim), rewards: new Float32Array(n), nextObs: new Float32Array(n * obsDim), terminal: new Float32Array(n) };
    for (let k = 0; k < n; k++) {
      const i = Math.floor(rng() * this.size);
      out.obs.set(this.obs.subarray(i * obsDim, (i + 1) * obsDim), k * obsDim);
      out.actions.set(this.actions.subarray(i * actDim, (i + 1) * actDim), k * actDim);
      out.rewards[k] = this.rewards[i];
      out.nextObs.set(this.nextObs.subarray(i * obsDim, (i + 1) * obsDim), k * obsDim);
      out.terminal[k] = this.terminal[i];
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// One SAC update.
// ---------------------------------------------------------------------------------------------

export interface SacOptimizers {
  actor: tf.Optimizer;
  critic: tf.Optimizer;
  alpha: tf.Optimizer;
}

export function createOptimizers(config: Pick<SacConfig, 'learningRate' | 'alphaLearningRate'>): SacOptimizers {
  // torch's Adam defaults (β 0.9, 0.999, ε 1e-8), as CleanRL.
  return { actor: tf.train.adam(config.learningRate, 0.9, 0.999, 1e-8), critic: tf.train.adam(config.learningRate, 0.9, 0.999, 1e-8), alpha: tf.train.adam(config.alphaLearningRate, 0.9, 0.999, 1e-8) };
}

/**
 * One gradient step of the critics, the actor and the temperature on one batch, then the soft target
 * update, all in one tidy. `noise` is 2 × n × actDim standard normals (the a' ~ π(s') sample, then
 * the actor step's sample). Returns [actor_loss, critic_loss (mean of the two critics' MSE), alpha
 * (used in this step), mean_q (over both critics), entropy (−mean log π of the actor's sample)].
 */
export function sacUpdate(agent: SacAgent, optimizers: SacOptimizers, batch: ReplayBatch, noise: Float32Array, targetEntropy: number): Float32Array {
  const { obsDim, actDim, config } = agent;
  const n = batch.rewards.length;
  const kept: tf.Tensor[] = [];
  tf.tidy(() => {
    const obs = tf.tensor2d(batch.obs, [n, obsDim]);
    const actions = tf.tensor2d(batch.actions, [n, actDim]);
    const nextObs = tf.tensor2d(batch.nextObs, [n, obsDim]);
    const epsNext = tf.tensor2d(noise.subarray(0, n * actDim), [n, actDim]);
    const epsNow = tf.tensor2d(noise.subarray(n * actDim, 2 * n * actDim), [n, actDim]);
    const alpha = tf.exp(agent.logAlpha) as tf.Scalar;

    // Critics: regress both on the soft target from the target networks.
    const next = agent.sample(nextObs, epsNext);
    const [q1Next, q2Next] = agent.q(nextObs, next.action, 'target');
    const y = softQTarget(tf.tensor1d(batch.rewards), tf.tensor1d(batch.terminal), q1Next, q2Next, next.logProb, alpha, config.gamma);
    let meanQ!: tf.Scalar;
    const criticLoss = optimizers.critic.minimize(() => {
      const [q1, q2] = agent.q(obs, actions, 'critic');
      meanQ = tf.keep(tf.div(tf.add(tf.mean(q1), tf.mean(q2)), 2));
      return tf.div(tf.add(tf.mean(tf.squaredDifference(q1, y)), tf.mean(tf.squaredDifference(q2, y))), 2); // (qf1_loss + qf2_loss) / 2
    }, true, agent.criticVariables())!;

    // Actor: maximise min(Q1, Q2)(s, a) − α log π(a|s), a ~ π(s) reparameterised.
    let logProb!: tf.Tensor1D;
    const actorLoss = optimizers.actor.minimize(() => {
      const sampled = agent.sample(obs, epsNow);
      logProb = tf.keep(sampled.logProb);
      const minQ = tf.minimum(...agent.q(obs, sampled.action, 'critic'));
      return tf.mean(tf.sub(tf.mul(alpha, sampled.logProb), minQ));
    }, true, agent.actorVariables())!;

    // Temperature, on the actor sample's log-probs (held fixed).
    optimizers.alpha.minimize(() => temperatureLoss(agent.logAlpha, logProb, targetEntropy), false, [agent.logAlpha]);

    agent.softUpdateTargets();
    kept.push(tf.keep(tf.stack([actorLoss, criticLoss, alpha, meanQ, tf.neg(tf.mean(logProb))])), meanQ, logProb);
  });
  const stats = kept[0].dataSync() as Float32Array;
  tf.dispose(kept);
  return stats;
}

// ---------------------------------------------------------------------------------------------
// Optimiser state as plain data (for fine-tuning): each Adam's iteration count and moments, by
// position (tfjs's Adam keys its slots by the order of the gradients, which is fixed here).
// ---------------------------------------------------------------------------------------------

const OPTIMIZER_NAMES = ['actor', 'critic', 'alpha'] as const;

export async function exportOptimizerState(optimizers: SacOptimizers): Promise<NamedWeights[]> {
  const out: NamedWeights[] = [];
  for (const key of OPTIMIZER_NAMES) {
    const weights = await optimizers[key].getWeights();
    weights.forEach(({ tensor }, i) => out.push({ name: `optim.${key}.${i}`, shape: tensor.shape, values: Float32Array.from(tensor.dataSync()) }));
    weights[0]?.tensor.dispose(); // the iteration count is a fresh scalar; the moments are the optimiser's own
  }
  return out;
}

export async function importOptimizerState(optimizers: SacOptimizers, state: readonly NamedWeights[]): Promise<void> {
  for (const key of OPTIMIZER_NAMES) {
    const mine = state.filter((w) => w.name.startsWith(`optim.${key}.`)).sort((a, b) => Number(a.name.split('.')[2]) - Number(b.name.split('.')[2]));
    if (mine.length === 0) continue;
    const tensors = mine.map((w, i) => ({ name: i === 0 ? 'iter' : w.name, tensor: i === 0 ? tf.scalar(w.values[0], 'int32') : tf.tensor(w.values, w.shape) }));
    await optimizers[key].setWeights(tensors);
    tf.dispose(tensors.map((t) => t.tensor)); // setWeights copies the moments into its own variables
  }
}

// ---------------------------------------------------------------------------------------------
// Training.
// ---------------------------------------------------------------------------------------------

/** One history line: means over the `logInterval` updates it covers, named as CleanRL's charts. */
export interface SacUpdateLog {
  global_step: number;
  /** Gradient steps taken so far. */
  updates: number;
  actor_loss: number;
  critic_loss: number;
  alpha: number;
  mean_q: number;
  entropy: number;
  /** Mean return (sum of rewards) of the episodes completed since the last line; null if none. */
  episode_return: number | null;
  episodes_completed: number;
  /** Environment steps per second since training started (warm-up included). */
  steps_per_second: number;
}

export interface SacEpisode {
  return: number;
  sharpe: number;
}

export interface SacFinal {
  /** Means over the last `updates` gradient steps (config.finalWindow, or all if fewer). */
  actor_loss: number;
  critic_loss: number;
  alpha: number;
  updates: number;
}

export interface SacTrainOptions {
  onUpdate?: (log: SacUpdateLog) => void;
  /** An agent to fine-tune from (copied; it is left as it was). */
  initial?: SacAgent;
}

export interface SacTrainResult {
  agent: SacAgent;
  history: SacUpdateLog[];
  episodes: SacEpisode[];
  final: SacFinal;
}

export async function trainSac(envSource: EnvSource, overrides: Partial<SacConfig> = {}, options: SacTrainOptions = {}): Promise<SacTrainResult> {
  const { initial, onUpdate } = options;
  const config: SacConfig = {
    ...DEFAULT_SAC_CONFIG,
    ...(initial ? { hiddenSizes: initial.config.hiddenSizes, actionScale: initial.config.actionScale, learningRate: FINETUNE_LEARNING_RATE, alphaLearningRate: FINETUNE_LEARNING_RATE } : {}),
    ...definedOnly(overrides),
  };
  assertValidConfig(config);
  const env: VectorEnv = typeof envSource === 'function' ? envSource(config.numEnvs, config.seed) : envSource;
  const N = env.numEnvs;
  const { obsDim, actDim } = env;
  if (N !== config.numEnvs) throw new Error(`the env steps ${N} envs but config.numEnvs is ${config.numEnvs}`);
  if (initial && (initial.obsDim !== obsDim || initial.actDim !== actDim || initial.config.hiddenSizes.join() !== config.hiddenSizes.join() || initial.config.actionScale !== config.actionScale)) {
    throw new Error(`cannot fine-tune an agent of ${initial.obsDim}→[${initial.config.hiddenSizes}]→${initial.actDim} (scale ${initial.config.actionScale}) on an env of ${obsDim} observations and ${actDim} actions with hidden sizes [${config.hiddenSizes}] (scale ${config.actionScale})`);
  }
  const iterations = Math.max(1, Math.floor(config.totalSteps / N));
  const targetEntropy = config.targetEntropy ?? -actDim;

  const seeds = mulberry32(config.seed);
  const agent = initial ? initial.clone(config) : SacAgent.create(obsDim, actDim, config, nextSeed(seeds));
  if (initial) nextSeed(seeds); // the same draws follow, with or without an initial agent
  const actionRng = mulberry32(nextSeed(seeds));
  const replayRng = mulberry32(nextSeed(seeds));
  const noiseRng = mulberry32(nextSeed(seeds));
  const optimizers = createOptimizers(config);
  const buffer = new ReplayBuffer(config.bufferSize ?? iterations * N, obsDim, actDim);
  const noise = new Float32Array(2 * config.batchSize * actDim);

  const history: SacUpdateLog[] = [];
  const episodes: SacEpisode[] = [];
  const running = Array.from({ length: N }, () => [] as number[]);
  const window = new Float64Array(config.finalWindow * 3); // ring of the last updates' [actor_loss, critic_loss, alpha]
  const sums = new Float64Array(5);
  let updates = 0;
  let inLine = 0;
  let episodesBefore = 0;
  let globalStep = 0;
  const started = performance.now();
  let obs = env.reset();

  try {
    if (initial?.optimizerState) await importOptimizerState(optimizers, initial.optimizerState);
    for (let iteration = 0; iteration < iterations; iteration++) {
      // --- Act: uniform over the action range during warm-up (a fine-tune: the initial policy), then π.
      let actions: Float32Array;
      if (globalStep < config.learningStarts && !initial) {
        actions = Float32Array.from({ length: N * actDim }, () => config.actionScale * (2 * actionRng() - 1));
      } else {
        actions = agent.act(obs, false, actionRng);
      }
      const step = env.step(actions);
      globalStep += N;
      const { nextObs, terminal } = nextObsAndMask(step, obsDim);
      for (let e = 0; e < N; e++) {
        buffer.add(obs, actions, step.reward, nextObs, terminal, e);
        running[e].push(step.reward[e]);
        if (step.terminated[e] || step.truncated[e]) {
          episodes.push({ return: running[e].reduce((a, b) => a + b, 0), sharpe: episodeSharpe(running[e]) });
          running[e] = [];
        }
      }
      obs = step.obs;

      // --- Learn: one gradient step per environment step.
      if (globalStep <= config.learningStarts) continue;
      for (let k = 0; k < N; k++) {
        for (let i = 0; i < noise.length; i++) noise[i] = gaussian(noiseRng);
        const stats = sacUpdate(agent, optimizers, buffer.sample(config.batchSize, replayRng), noise, targetEntropy);
        window.set(stats.subarray(0, 3), (updates % config.finalWindow) * 3);
        for (let s = 0; s < 5; s++) sums[s] += stats[s];
        updates++;
        inLine++;
      }
      if (inLine >= config.logInterval || iteration + 1 === iterations) {
        const completed = episodes.slice(episodesBefore);
        episodesBefore = episodes.length;
        const log: SacUpdateLog = {
          global_step: globalStep,
          updates,
          actor_loss: sums[0] / inLine,
          critic_loss: sums[1] / inLine,
          alpha: sums[2] / inLine,
          mean_q: sums[3] / inLine,
          entropy: sums[4] / inLine,
          episode_return: completed.length > 0 ? completed.reduce((s, e) => s + e.return, 0) / completed.length : null,
          episodes_completed: completed.length,
          steps_per_second: globalStep / ((performance.now() - started) / 1000),
        };
        sums.fill(0);
        inLine = 0;
        history.push(log);
        onUpdate?.(log);
        await new Promise((resolve) => setImmediate(resolve)); // let timers and I/O run between lines
      }
    }
    agent.optimizerState = await exportOptimizerState(optimizers);
  } catch (error) {
    agent.dispose();
    throw error;
  } finally {
    Object.values(optimizers).forEach((o) => o.dispose());
  }

  const count = Math.min(updates, config.finalWindow);
  const mean = (offset: number) => {
    let s = 0;
    for (let i = 0; i < count; i++) s += window[i * 3 + offset];
    return count > 0 ? s / count : Number.NaN;
  };
  const final: SacFinal = { actor_loss: mean(0), critic_loss: mean(1), alpha: mean(2), updates: count };
  return { agent, history, episodes, final };
}

function assertValidConfig(c: SacConfig): void {
  const counts = { totalSteps: c.totalSteps, batchSize: c.batchSize, numEnvs: c.numEnvs, logInterval: c.logInterval, finalWindow: c.finalWindow };
  for (const [name, v] of Object.entries(counts)) if (!Number.isInteger(v) || v < 1) throw new Error(`SAC config ${name} must be a positive integer, got ${v}`);
  if (!Number.isInteger(c.learningStarts) || c.learningStarts < 0) throw new Error(`SAC config learningStarts must be an integer ≥ 0, got ${c.learningStarts}`);
  if (c.bufferSize !== null && (!Number.isInteger(c.bufferSize) || c.bufferSize < 1)) throw new Error(`SAC config bufferSize must be a positive integer or null, got ${c.bufferSize}`);
  const positive = { learningRate: c.learningRate, alphaLearningRate: c.alphaLearningRate, actionScale: c.actionScale, initialAlpha: c.initialAlpha };
  for (const [name, v] of Object.entries(positive)) if (!(Number.isFinite(v) && v > 0)) throw new Error(`SAC config ${name} must be a finite number > 0, got ${v}`);
  for (const [name, v] of Object.entries({ tau: c.tau, gamma: c.gamma })) if (!(v >= 0 && v <= 1)) throw new Error(`SAC config ${name} must be in [0, 1], got ${v}`);
  if (c.targetEntropy !== null && !Number.isFinite(c.targetEntropy)) throw new Error(`SAC config targetEntropy must be finite or null, got ${c.targetEntropy}`);
  if (!c.hiddenSizes.every((h) => Number.isInteger(h) && h >= 1)) throw new Error(`SAC config hiddenSizes must be positive integers, got [${c.hiddenSizes}]`);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
