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
import type { EnvSource } from '../ppo/ppo.ts';
import { tf } from '../../../ml/backend.ts';
import { mulberry32, nextSeed, type Rng } from '../../../ml/random.ts';
import { gaussian, orthogonal } from '../../../ml/seeded-init.ts';
import { DEFAULT_SAC_CONFIG, type SacConfig } from './sac-defaults.ts';
import { HALF_LOG_2PI, LOG_STD_MAX, LOG_STD_MIN, SQUASH_EPSILON, softQTarget, squashedLogProb, temperatureLoss } from './sac-losses.ts';
import type { SacLearner, SacLearnerEngine } from './sac-learner.ts';
import { SacKernelLearner } from './sac-kernel-learner.ts';
import { SacTfjsLearner, createOptimizers, sacUpdate, type SacOptimizers } from './sac-tfjs-learner.ts';

export { DEFAULT_SAC_CONFIG, type EnvSource, type NamedWeights, type SacConfig };
export { LOG_STD_MAX, LOG_STD_MIN, SQUASH_EPSILON, softQTarget, squashedLogProb, temperatureLoss };
export { createOptimizers, sacUpdate, type SacOptimizers };

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

// ---------------------------------------------------------------------------------------------
// The agent: actor, twin critics, their targets and log α.
// ---------------------------------------------------------------------------------------------

/** A tensor's place in a network's flat parameter vector. */
interface Slot {
  name: string;
  shape: number[];
}

type Group = 'actor' | 'qf' | 'qf_target';

/** Every parameter as plain data: each group's flat vector, in its layout's order, and log α. */
export interface FlatSacParameters {
  actor: Float32Array;
  qf: Float32Array;
  qf_target: Float32Array;
  logAlpha: number;
}

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

  /** The flat parameter vectors (actor; qf1 + qf2; their targets) and log α, for a learner that trains outside tfjs. */
  flatParameters(): FlatSacParameters {
    const read = (v: tf.Variable) => (v.dataSync() as Float32Array).slice();
    return { actor: read(this.groups.actor), qf: read(this.groups.qf), qf_target: read(this.groups.qf_target), logAlpha: this.logAlpha.dataSync()[0] };
  }

  /** Overwrites every parameter (the layout of flatParameters). */
  setFlatParameters(p: FlatSacParameters): void {
    tf.tidy(() => {
      for (const group of ['actor', 'qf', 'qf_target'] as const) this.groups[group].assign(tf.tensor1d(p[group]));
      this.logAlpha.assign(tf.scalar(p.logAlpha));
    });
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

/** A batch of n transitions, zeroed. */
export function emptyBatch(n: number, obsDim: number, actDim: number): ReplayBatch {
  return { obs: new Float32Array(n * obsDim), actions: new Float32Array(n * actDim), rewards: new Float32Array(n), nextObs: new Float32Array(n * obsDim), terminal: new Float32Array(n) };
}

/** to[row t] = from[row f], rows of `width` (set() copies as memcpy: half the time of a loop over 166 floats). */
function copyRow(from: Float32Array, f: number, to: Float32Array, t: number, width: number): void {
  to.set(from.subarray(f * width, (f + 1) * width), t * width);
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

  /** `n` transitions drawn uniformly (with replacement) from those stored (into `out`, when given: a batch reused across updates). */
  sample(n: number, rng: Rng, out: ReplayBatch = emptyBatch(n, this.obsDim, this.actDim)): ReplayBatch {
    if (this.size === 0) throw new Error('cannot sample an empty replay buffer');
    const { obsDim, actDim } = this;
    for (let k = 0; k < n; k++) {
      const i = Math.floor(rng() * this.size);
      copyRow(this.obs, i, out.obs, k, obsDim);
      copyRow(this.actions, i, out.actions, k, actDim);
      out.rewards[k] = this.rewards[i];
      copyRow(this.nextObs, i, out.nextObs, k, obsDim);
      out.terminal[k] = this.terminal[i];
    }
    return out;
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
  /**
   * Checkpoints: `offer` gets the agent, its weights current, after every ⌊learning steps / count⌋-th
   * environment step that learns and after the last (../checkpoints.ts keeps the best on the validation weeks).
   */
  checkpoints?: { count: number; offer(agent: SacAgent, step: number): void };
}

export interface SacTrainResult {
  agent: SacAgent;
  history: SacUpdateLog[];
  episodes: SacEpisode[];
  final: SacFinal;
}

export async function trainSac(envSource: EnvSource, overrides: Partial<SacConfig> = {}, options: SacTrainOptions = {}): Promise<SacTrainResult> {
  const { initial, onUpdate, checkpoints } = options;
  const config = resolveConfig(overrides, initial);
  const env = openEnv(envSource, config, initial);
  const N = env.numEnvs;
  const iterations = Math.max(1, Math.floor(config.totalSteps / N));
  // The vector steps that learn: those after learningStarts environment steps.
  const learningIterations = iterations - Math.min(iterations, Math.floor(config.learningStarts / N));
  const checkpointEvery = checkpoints ? Math.max(1, Math.floor(learningIterations / checkpoints.count)) : 0;
  let learned = 0;

  const seeds = mulberry32(config.seed);
  const agent = initial ? initial.clone(config) : SacAgent.create(env.obsDim, env.actDim, config, nextSeed(seeds));
  if (initial) nextSeed(seeds); // the same draws follow, with or without an initial agent
  const run: RunState = {
    env,
    config,
    learner: undefined as unknown as SacLearner, // made inside the try, so a failure frees the agent
    warmUp: !initial,
    actionRng: mulberry32(nextSeed(seeds)),
    replayRng: mulberry32(nextSeed(seeds)),
    noiseRng: mulberry32(nextSeed(seeds)),
    buffer: new ReplayBuffer(config.bufferSize ?? iterations * N, env.obsDim, env.actDim),
    batch: emptyBatch(config.batchSize, env.obsDim, env.actDim),
    noise: new Float32Array(2 * config.batchSize * env.actDim),
    targetEntropy: config.targetEntropy ?? -env.actDim,
    running: Array.from({ length: N }, () => []),
    episodes: [],
    globalStep: 0,
    obs: env.reset(),
  };
  const line = new LineAccumulator(config.finalWindow);
  const history: SacUpdateLog[] = [];
  const started = performance.now();
  try {
    run.learner = createSacLearner(agent, config, Math.max(config.batchSize, N));
    if (initial?.optimizerState) await run.learner.importOptimizerState(initial.optimizerState);
    for (let iteration = 0; iteration < iterations; iteration++) {
      collectStep(run);
      if (run.globalStep <= config.learningStarts) continue;
      for (let k = 0; k < N; k++) line.add(learn(run));
      learned++;
      if (line.count >= config.logInterval || iteration + 1 === iterations) {
        const log = line.flush(run, started);
        history.push(log);
        onUpdate?.(log);
        await new Promise((resolve) => setImmediate(resolve)); // let timers and I/O run between lines
      }
      if (checkpoints && (learned % checkpointEvery === 0 || iteration + 1 === iterations)) {
        await run.learner.sync();
        checkpoints.offer(agent, run.globalStep);
      }
    }
    await run.learner.finish();
  } catch (error) {
    run.learner?.dispose();
    agent.dispose();
    throw error;
  }
  return { agent, history, episodes: run.episodes, final: line.final() };
}

/** The kernel learner (one thread) on the wasm backend, the tfjs one elsewhere; `engine` forces one (tests compare them). */
export function createSacLearner(agent: SacAgent, config: Readonly<SacConfig>, maxBatch: number, engine: SacLearnerEngine = tf.getBackend() === 'wasm' ? 'kernel' : 'tfjs'): SacLearner {
  return engine === 'kernel' ? new SacKernelLearner(agent, config, maxBatch) : new SacTfjsLearner(agent, config);
}

/** The defaults, a fine-tune's sizes and scale (the initial agent's), then the overrides (a fine-tune's learning rates come from its config); validated. */
function resolveConfig(overrides: Partial<SacConfig>, initial: SacAgent | undefined): SacConfig {
  const config: SacConfig = {
    ...DEFAULT_SAC_CONFIG,
    ...(initial ? { hiddenSizes: initial.config.hiddenSizes, actionScale: initial.config.actionScale } : {}),
    ...definedOnly(overrides),
  };
  assertValidConfig(config);
  return config;
}

/** The env (built from a factory, or as given), checked against the config and the agent to fine-tune. */
function openEnv(envSource: EnvSource, config: SacConfig, initial: SacAgent | undefined): VectorEnv {
  const env: VectorEnv = typeof envSource === 'function' ? envSource(config.numEnvs, config.seed) : envSource;
  const { numEnvs: N, obsDim, actDim } = env;
  if (N !== config.numEnvs) throw new Error(`the env steps ${N} envs but config.numEnvs is ${config.numEnvs}`);
  if (initial && (initial.obsDim !== obsDim || initial.actDim !== actDim || initial.config.hiddenSizes.join() !== config.hiddenSizes.join() || initial.config.actionScale !== config.actionScale)) {
    throw new Error(`cannot fine-tune an agent of ${initial.obsDim}→[${initial.config.hiddenSizes}]→${initial.actDim} (scale ${initial.config.actionScale}) on an env of ${obsDim} observations and ${actDim} actions with hidden sizes [${config.hiddenSizes}] (scale ${config.actionScale})`);
  }
  return env;
}

/** What the training loop's steps share. */
interface RunState {
  env: VectorEnv;
  config: SacConfig;
  learner: SacLearner;
  /** Uniform actions until learningStarts (a fine-tune samples its initial policy instead). */
  warmUp: boolean;
  actionRng: Rng;
  replayRng: Rng;
  noiseRng: Rng;
  buffer: ReplayBuffer;
  /** The update's replay sample and standard normals, drawn afresh for each update. */
  batch: ReplayBatch;
  noise: Float32Array;
  targetEntropy: number;
  /** Each env's rewards in its current episode. */
  running: number[][];
  episodes: SacEpisode[];
  globalStep: number;
  obs: Float32Array;
}

/** One vector step: act (uniform during warm-up, then π), step the envs, store the transitions and finished episodes. */
function collectStep(run: RunState): void {
  const { env, config, running } = run;
  const { numEnvs: N, actDim, obsDim } = env;
  const actions =
    run.warmUp && run.globalStep < config.learningStarts
      ? Float32Array.from({ length: N * actDim }, () => config.actionScale * (2 * run.actionRng() - 1))
      : run.learner.act(run.obs, run.actionRng);
  const step = env.step(actions);
  run.globalStep += N;
  const { nextObs, terminal } = nextObsAndMask(step, obsDim);
  for (let e = 0; e < N; e++) {
    run.buffer.add(run.obs, actions, step.reward, nextObs, terminal, e);
    running[e].push(step.reward[e]);
    if (step.terminated[e] || step.truncated[e]) {
      run.episodes.push({ return: running[e].reduce((a, b) => a + b, 0), sharpe: episodeSharpe(running[e]) });
      running[e] = [];
    }
  }
  run.obs = step.obs;
}

/** One gradient step on a replay sample with fresh noise: [actor_loss, critic_loss, alpha, mean_q, entropy]. */
function learn(run: RunState): Float32Array {
  gaussianPairs(run.noise, run.noiseRng);
  return run.learner.update(run.buffer.sample(run.config.batchSize, run.replayRng, run.batch), run.noise, run.targetEntropy);
}

/**
 * Standard normals, both of Box–Muller's per pair of uniforms (r·cos θ, r·sin θ): half the draws and
 * logarithms of gaussian() per value (the update's 2 × batch × actDim normals were ~8 % of its time).
 */
export function gaussianPairs(out: Float32Array, rng: Rng): void {
  for (let i = 0; i < out.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - rng()));
    const angle = 2 * Math.PI * rng();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
}

/** The updates' statistics: sums for the current history line, and a ring of the last ones for `final`. */
class LineAccumulator {
  private readonly sums = new Float64Array(5);
  /** The last updates' [actor_loss, critic_loss, alpha]. */
  private readonly window: Float64Array;
  private updates = 0;
  private episodesBefore = 0;
  count = 0;

  constructor(private readonly finalWindow: number) {
    this.window = new Float64Array(finalWindow * 3);
  }

  add(stats: Float32Array): void {
    this.window.set(stats.subarray(0, 3), (this.updates % this.finalWindow) * 3);
    for (let s = 0; s < 5; s++) this.sums[s] += stats[s];
    this.updates++;
    this.count++;
  }

  /** The history line of the updates since the last one (means), and the episodes completed since. */
  flush(run: RunState, started: number): SacUpdateLog {
    const completed = run.episodes.slice(this.episodesBefore);
    this.episodesBefore = run.episodes.length;
    const [actor_loss, critic_loss, alpha, mean_q, entropy] = Array.from(this.sums, (s) => s / this.count);
    this.sums.fill(0);
    this.count = 0;
    return {
      global_step: run.globalStep,
      updates: this.updates,
      actor_loss,
      critic_loss,
      alpha,
      mean_q,
      entropy,
      episode_return: completed.length > 0 ? completed.reduce((s, e) => s + e.return, 0) / completed.length : null,
      episodes_completed: completed.length,
      steps_per_second: run.globalStep / ((performance.now() - started) / 1000),
    };
  }

  /** Means over the last finalWindow updates (or all, if fewer). */
  final(): SacFinal {
    const count = Math.min(this.updates, this.finalWindow);
    const mean = (offset: number) => {
      let s = 0;
      for (let i = 0; i < count; i++) s += this.window[i * 3 + offset];
      return count > 0 ? s / count : Number.NaN;
    };
    return { actor_loss: mean(0), critic_loss: mean(1), alpha: mean(2), updates: count };
  }
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
