/**
 * PPO for continuous actions, after CleanRL's ppo_continuous_action.py (one file, same names, same
 * defaults unless stated), in TensorFlow.js. The policy is a Gaussian over the env's raw actions
 * (for the portfolio env, the S+1 logits that the env turns into weights).
 *
 * Differences from CleanRL, on purpose:
 * - entropy coefficient 0.01 (CleanRL 0), a fixed minibatch size (64) instead of a number of minibatches;
 * - truncation bootstraps from V(finalObs) (gymnasium semantics, CleanRL's later fix), see computeGae;
 * - no observation / reward normalisation wrappers: the panel's features are standardised by the
 *   caller and the rewards are weekly log returns (order 0.01), and advantages are normalised per minibatch;
 * - the reported losses are means over all minibatches of the update (CleanRL logs the last one).
 * Rollout: numEnvs × numSteps timesteps per update (8 × 256 = 2048 by default, 32 minibatches of 64,
 * 10 epochs). Adam (eps 1e-5), global-norm gradient clipping across actor, critic and log-std,
 * learning rate annealed linearly to 0 over the run (annealLr). Optimiser state is not saved with
 * the agent: a fine-tune starts a fresh Adam.
 */
import type { StepResult, VectorEnv } from '../env/agent-env.ts';
import { episodeSharpe } from '../portfolio-metrics.ts';
import { tf } from '../../../ml/backend.ts';
import { mulberry32, nextSeed, shuffledIndices, type Rng } from '../../../ml/random.ts';
import { gaussian, orthogonal } from '../../../ml/seeded-init.ts';
import type { NamedWeights } from '../agent-artifacts.ts';
import { DEFAULT_PPO_CONFIG, type PpoConfig } from './ppo-defaults.ts';
import { HALF_LOG_2PI, type LearnerEngine, type Minibatch, type PpoLearner } from './ppo-learner.ts';
import { PpoKernelLearner } from './ppo-kernel-learner.ts';
import { PpoTfjsLearner } from './ppo-tfjs-learner.ts';

export { DEFAULT_PPO_CONFIG, type NamedWeights, type PpoConfig };

// ---------------------------------------------------------------------------------------------
// The agent: separate actor and critic MLPs, tanh, orthogonal init (√2 hidden, 0.01 actor out,
// 1.0 critic out, zero biases), and a state-independent log-std (init 0).
// ---------------------------------------------------------------------------------------------

interface Dense {
  w: tf.Variable;
  b: tf.Variable;
}

export class PpoAgent {
  private readonly actor: Dense[];
  private readonly critic: Dense[];
  private readonly logStd: tf.Variable;
  private readonly sampler: Rng;
  private disposed = false;

  private constructor(
    readonly obsDim: number,
    readonly actDim: number,
    readonly config: Readonly<PpoConfig>,
    weights: Map<string, NamedWeights>,
  ) {
    const layer = (prefix: string, i: number): Dense => ({ w: variable(weights, `${prefix}.${i}.w`), b: variable(weights, `${prefix}.${i}.b`) });
    const depth = config.hiddenSizes.length + 1;
    this.actor = Array.from({ length: depth }, (_, i) => layer('actor', i));
    this.critic = Array.from({ length: depth }, (_, i) => layer('critic', i));
    this.logStd = variable(weights, 'logStd');
    this.sampler = mulberry32(config.seed ^ 0x5eed);
  }

  /** A new agent, initialised from `seed` as CleanRL's layer_init. */
  static create(obsDim: number, actDim: number, config: Readonly<PpoConfig>, seed: number): PpoAgent {
    const rng = mulberry32(seed);
    const weights: NamedWeights[] = [];
    for (const [prefix, outDim, outGain] of [['actor', actDim, 0.01], ['critic', 1, 1.0]] as const) {
      const sizes = [obsDim, ...config.hiddenSizes, outDim];
      for (let i = 0; i + 1 < sizes.length; i++) {
        const gain = i + 2 === sizes.length ? outGain : Math.SQRT2;
        weights.push({ name: `${prefix}.${i}.w`, shape: [sizes[i], sizes[i + 1]], values: orthogonal(sizes[i], sizes[i + 1], gain, rng) });
        weights.push({ name: `${prefix}.${i}.b`, shape: [sizes[i + 1]], values: new Float32Array(sizes[i + 1]) });
      }
    }
    weights.push({ name: 'logStd', shape: [actDim], values: new Float32Array(actDim) });
    return PpoAgent.fromWeights(obsDim, actDim, config, weights);
  }

  /** An agent holding exactly these weights (e.g. read back from files); throws when one is missing or misshapen. */
  static fromWeights(obsDim: number, actDim: number, config: Readonly<PpoConfig>, weights: readonly NamedWeights[]): PpoAgent {
    const byName = new Map(weights.map((w) => [w.name, w]));
    const sizes = (outDim: number) => [obsDim, ...config.hiddenSizes, outDim];
    const expected = new Map<string, number[]>([['logStd', [actDim]]]);
    for (const [prefix, outDim] of [['actor', actDim], ['critic', 1]] as const) {
      const s = sizes(outDim);
      for (let i = 0; i + 1 < s.length; i++) {
        expected.set(`${prefix}.${i}.w`, [s[i], s[i + 1]]);
        expected.set(`${prefix}.${i}.b`, [s[i + 1]]);
      }
    }
    for (const [name, shape] of expected) {
      const w = byName.get(name);
      if (!w || w.shape.join() !== shape.join() || w.values.length !== shape.reduce((a, b) => a * b, 1)) {
        throw new Error(`PPO weights: ${name} must have shape [${shape.join(', ')}]${w ? `, got [${w.shape.join(', ')}]` : ' (missing)'}`);
      }
    }
    return new PpoAgent(obsDim, actDim, config, byName);
  }

  /** The policy's mean action for a batch of observations (n × obsDim → n × actDim). */
  actorMean(obs: tf.Tensor2D): tf.Tensor2D {
    return mlp(obs, this.actor);
  }

  /** The critic's value for a batch of observations (n × obsDim → n). */
  criticValue(obs: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => mlp(obs, this.critic).reshape([-1]) as tf.Tensor1D);
  }

  /** The Gaussian's log-std, one per action dimension (state-independent). */
  get logStdVariable(): tf.Variable {
    return this.logStd;
  }

  /**
   * Actions for a batch of observations (flat n × obsDim → flat n × actDim). Deterministic: the
   * policy's mean (for evaluation). Otherwise a sample, from `rng` or the agent's own seeded one.
   */
  act(obs: Float32Array, deterministic = true, rng: Rng = this.sampler): Float32Array {
    const mean = tf.tidy(() => this.actorMean(this.batch(obs)).dataSync() as Float32Array);
    if (deterministic) return mean;
    const std = Array.from(this.logStd.dataSync(), Math.exp);
    return mean.map((m, i) => m + std[i % this.actDim] * gaussian(rng));
  }

  /** The critic's values for a batch of observations (flat n × obsDim → n). */
  value(obs: Float32Array): Float32Array {
    return tf.tidy(() => this.criticValue(this.batch(obs)).dataSync() as Float32Array);
  }

  batch(obs: Float32Array): tf.Tensor2D {
    if (obs.length % this.obsDim !== 0) throw new Error(`observations of ${obs.length} values are not whole rows of ${this.obsDim}`);
    return tf.tensor2d(obs, [obs.length / this.obsDim, this.obsDim]);
  }

  trainableVariables(): tf.Variable[] {
    return [...this.actor.flatMap((l) => [l.w, l.b]), ...this.critic.flatMap((l) => [l.w, l.b]), this.logStd];
  }

  /** The weights as plain data, in a fixed order: actor layers, critic layers, log-std. */
  exportWeights(): NamedWeights[] {
    const named = (prefix: string, layers: Dense[]) =>
      layers.flatMap((l, i) => [
        { name: `${prefix}.${i}.w`, shape: l.w.shape, values: l.w.dataSync() as Float32Array },
        { name: `${prefix}.${i}.b`, shape: l.b.shape, values: l.b.dataSync() as Float32Array },
      ]);
    return [...named('actor', this.actor), ...named('critic', this.critic), { name: 'logStd', shape: this.logStd.shape, values: this.logStd.dataSync() as Float32Array }];
  }

  /** A copy with its own variables (and, optionally, another config, e.g. a fine-tune's). */
  clone(config: Readonly<PpoConfig> = this.config): PpoAgent {
    return PpoAgent.fromWeights(this.obsDim, this.actDim, config, this.exportWeights());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.trainableVariables());
  }
}

function variable(weights: Map<string, NamedWeights>, name: string): tf.Variable {
  const w = weights.get(name)!;
  return tf.tidy(() => tf.variable(tf.tensor(w.values, w.shape), true));
}

function mlp(x: tf.Tensor2D, layers: Dense[]): tf.Tensor2D {
  return tf.tidy(() => {
    let h: tf.Tensor2D = x;
    layers.forEach(({ w, b }, i) => {
      h = tf.add(tf.matMul(h, w as tf.Tensor2D), b);
      if (i + 1 < layers.length) h = tf.tanh(h);
    });
    return h;
  });
}

// ---------------------------------------------------------------------------------------------
// Generalised advantage estimation with truncation.
// ---------------------------------------------------------------------------------------------

export interface GaeInput {
  /** All arrays are numSteps × numEnvs, row-major by step (index t·numEnvs + e). */
  rewards: ArrayLike<number>;
  /** V(s_t). */
  values: ArrayLike<number>;
  terminated: ArrayLike<number>;
  truncated: ArrayLike<number>;
  /** V(finalObs_t) where step t was truncated (read only there). */
  finalValues: ArrayLike<number>;
  /** V of each env's observation after the rollout's last step (numEnvs). */
  lastValues: ArrayLike<number>;
  numEnvs: number;
  gamma: number;
  lambda: number;
}

/**
 * δ_t = r_t + γ·V(next_t)·(1 − terminated_t) − V(s_t), where next_t is finalObs_t when the episode
 * was truncated at t, s_{t+1} otherwise (the rollout's last step uses `lastValues`); then
 * A_t = δ_t + γλ·(1 − done_t)·A_{t+1}, done = terminated or truncated, so the recursion never
 * crosses an episode boundary. Returns the advantages and the returns A + V (the critic's targets).
 */
export function computeGae(input: GaeInput): { advantages: Float32Array; returns: Float32Array } {
  const { rewards, values, terminated, truncated, finalValues, lastValues, numEnvs, gamma, lambda } = input;
  const size = rewards.length;
  if (size % numEnvs !== 0 || values.length !== size || terminated.length !== size || truncated.length !== size || lastValues.length !== numEnvs) {
    throw new Error('computeGae: rewards, values, terminated and truncated must all be numSteps × numEnvs, lastValues numEnvs');
  }
  const advantages = new Float32Array(size);
  const returns = new Float32Array(size);
  for (let e = 0; e < numEnvs; e++) {
    let next = 0; // A_{t+1}
    for (let t = size / numEnvs - 1; t >= 0; t--) {
      const i = t * numEnvs + e;
      const ended = terminated[i] || truncated[i];
      let nextValue: number;
      if (terminated[i]) nextValue = 0;
      else if (truncated[i]) nextValue = finalValues[i];
      else nextValue = i + numEnvs < size ? values[i + numEnvs] : lastValues[e];
      const delta = rewards[i] + gamma * nextValue - values[i];
      next = delta + gamma * lambda * (ended ? 0 : next);
      advantages[i] = next;
      returns[i] = next + values[i];
    }
  }
  return { advantages, returns };
}

// ---------------------------------------------------------------------------------------------
// Training.
// ---------------------------------------------------------------------------------------------

/** One line per update, named as CleanRL's charts / losses. */
export interface PpoUpdateLog {
  update: number;
  global_step: number;
  learning_rate: number;
  /** Means over the update's minibatches. */
  policy_loss: number;
  value_loss: number;
  entropy: number;
  old_approx_kl: number;
  approx_kl: number;
  clip_fraction: number;
  /** 1 − Var(returns − values)/Var(returns) over the rollout; null when the returns do not vary. */
  explained_variance: number | null;
  /** Mean return (sum of rewards) of the episodes completed during this rollout; null if none. */
  mean_episode_return: number | null;
  episodes_completed: number;
  /** Timesteps per second since training started (rollouts and updates). */
  steps_per_second: number;
}

/** A completed training episode: its return (sum of rewards; for the portfolio env, the log growth) and Sharpe. */
export interface PpoEpisode {
  return: number;
  sharpe: number;
}

export interface PpoTrainOptions {
  onUpdate?: (log: PpoUpdateLog) => void;
  /** An agent to fine-tune from (its weights are copied; it is left as it was). */
  initial?: PpoAgent;
  /**
   * Checkpoints: `offer` gets the agent, its weights current, after every ⌊updates / count⌋-th update
   * and after the last (../checkpoints.ts keeps the best on the validation weeks).
   */
  checkpoints?: { count: number; offer(agent: PpoAgent, update: number): void };
}

export interface PpoTrainResult {
  agent: PpoAgent;
  history: PpoUpdateLog[];
  episodes: PpoEpisode[];
}

/** Either an env, or a factory the trainer calls with (config.numEnvs, config.seed). */
export type EnvSource = VectorEnv | ((numEnvs: number, seed: number) => VectorEnv);

export async function trainPpo(envSource: EnvSource, overrides: Partial<PpoConfig> = {}, options: PpoTrainOptions = {}): Promise<PpoTrainResult> {
  const { initial, onUpdate, checkpoints } = options;
  const config = resolveConfig(overrides, initial);
  const env = openEnv(envSource, config, initial);
  // Whole rollouts, at least the asked-for timesteps (100K → 49 rollouts of 2,048 = 100,352).
  const numIterations = Math.max(1, Math.ceil(config.totalTimesteps / (env.numEnvs * config.numSteps)));
  const checkpointEvery = checkpoints ? Math.max(1, Math.floor(numIterations / checkpoints.count)) : 0;

  const seeds = mulberry32(config.seed);
  const agent = initial ? initial.clone(config) : PpoAgent.create(env.obsDim, env.actDim, config, nextSeed(seeds));
  if (initial) nextSeed(seeds); // the same draws follow, with or without an initial agent
  const run: RunState = {
    env,
    config,
    learner: undefined as unknown as PpoLearner, // made inside the try, so a failure frees the agent
    sampler: mulberry32(nextSeed(seeds)),
    shuffler: mulberry32(nextSeed(seeds)),
    rollout: rolloutStorage(env.numEnvs * config.numSteps, env.obsDim, env.actDim),
    running: Array.from({ length: env.numEnvs }, () => []),
    episodes: [],
    globalStep: 0,
    nextObs: env.reset(),
  };
  const history: PpoUpdateLog[] = [];
  const started = performance.now();
  try {
    run.learner = createPpoLearner(agent, config, Math.max(config.minibatchSize, env.numEnvs));
    for (let iteration = 1; iteration <= numIterations; iteration++) {
      const lr = config.annealLr ? (1 - (iteration - 1) / numIterations) * config.learningRate : config.learningRate;
      const episodesBefore = run.episodes.length;
      const lastValues = collectRollout(run);
      const { advantages, returns } = computeGae({ ...run.rollout, lastValues, numEnvs: env.numEnvs, gamma: config.gamma, lambda: config.gaeLambda });
      const losses = updatePolicy(run, advantages, returns, lr);
      const log = updateLog(run, iteration, lr, losses, returns, run.episodes.slice(episodesBefore), started);
      history.push(log);
      onUpdate?.(log);
      if (checkpoints && (iteration % checkpointEvery === 0 || iteration === numIterations)) {
        run.learner.sync();
        checkpoints.offer(agent, iteration);
      }
      await new Promise((resolve) => setImmediate(resolve)); // let timers and I/O run between updates
    }
    run.learner.finish();
  } catch (error) {
    run.learner?.finish();
    agent.dispose();
    throw error;
  }
  return { agent, history, episodes: run.episodes };
}

/** The kernel learner (one thread) on the wasm backend, the tfjs one elsewhere; `engine` forces one (tests compare them). */
export function createPpoLearner(agent: PpoAgent, config: Readonly<PpoConfig>, maxBatch: number, engine: LearnerEngine = tf.getBackend() === 'wasm' ? 'kernel' : 'tfjs'): PpoLearner {
  return engine === 'kernel' ? new PpoKernelLearner(agent, config, maxBatch) : new PpoTfjsLearner(agent, config);
}

/** The defaults, a fine-tune's network sizes (the initial agent's), then the overrides (a fine-tune's learning rate comes from its config); validated. */
function resolveConfig(overrides: Partial<PpoConfig>, initial: PpoAgent | undefined): PpoConfig {
  const config: PpoConfig = {
    ...DEFAULT_PPO_CONFIG,
    ...(initial ? { hiddenSizes: initial.config.hiddenSizes } : {}),
    ...definedOnly(overrides),
  };
  assertValidConfig(config);
  return config;
}

/** The env (built from a factory, or as given), checked against the config and the agent to fine-tune. */
function openEnv(envSource: EnvSource, config: PpoConfig, initial: PpoAgent | undefined): VectorEnv {
  const env = typeof envSource === 'function' ? envSource(config.numEnvs, config.seed) : envSource;
  const { numEnvs: N, obsDim, actDim } = env;
  if (N !== config.numEnvs) throw new Error(`the env steps ${N} envs but config.numEnvs is ${config.numEnvs}`);
  const batchSize = N * config.numSteps;
  if (!(config.minibatchSize >= 1 && config.minibatchSize <= batchSize)) throw new Error(`minibatchSize must be in [1, numEnvs × numSteps = ${batchSize}]`);
  if (initial && (initial.obsDim !== obsDim || initial.actDim !== actDim || initial.config.hiddenSizes.join() !== config.hiddenSizes.join())) {
    throw new Error(`cannot fine-tune an agent of ${initial.obsDim}→[${initial.config.hiddenSizes}]→${initial.actDim} on an env of ${obsDim} observations and ${actDim} actions with hidden sizes [${config.hiddenSizes}]`);
  }
  return env;
}

/** One rollout's storage, t·numEnvs + e order. */
interface RolloutStorage {
  obs: Float32Array;
  actions: Float32Array;
  logprobs: Float32Array;
  rewards: Float32Array;
  values: Float32Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** V(finalObs) where a step was truncated. */
  finalValues: Float32Array;
}

function rolloutStorage(size: number, obsDim: number, actDim: number): RolloutStorage {
  return {
    obs: new Float32Array(size * obsDim),
    actions: new Float32Array(size * actDim),
    logprobs: new Float32Array(size),
    rewards: new Float32Array(size),
    values: new Float32Array(size),
    terminated: new Uint8Array(size),
    truncated: new Uint8Array(size),
    finalValues: new Float32Array(size),
  };
}

/** What the training loop's steps share. */
interface RunState {
  env: VectorEnv;
  config: PpoConfig;
  learner: PpoLearner;
  sampler: Rng;
  shuffler: Rng;
  rollout: RolloutStorage;
  /** Each env's rewards in its current episode. */
  running: number[][];
  episodes: PpoEpisode[];
  globalStep: number;
  nextObs: Float32Array;
}

/**
 * Steps the envs numSteps times with actions sampled from the policy, storing everything GAE and
 * the update need; returns V of each env's observation after the last step.
 */
function collectRollout(run: RunState): Float32Array {
  const { env, learner, rollout, sampler } = run;
  const { numEnvs: N, obsDim, actDim } = env;
  const std = Array.from(learner.logStd(), Math.exp);
  const logStdSum = std.reduce((s, x) => s + Math.log(x), 0);
  for (let t = 0; t < run.config.numSteps; t++) {
    run.globalStep += N;
    rollout.obs.set(run.nextObs, t * N * obsDim);
    const { mean, value } = learner.policyAndValue(run.nextObs, N);
    rollout.values.set(value, t * N);
    const actions = new Float32Array(N * actDim);
    for (let e = 0; e < N; e++) {
      let squares = 0;
      for (let j = 0; j < actDim; j++) {
        const eps = gaussian(sampler);
        squares += eps * eps;
        actions[e * actDim + j] = mean[e * actDim + j] + std[j] * eps;
      }
      rollout.logprobs[t * N + e] = -0.5 * squares - logStdSum - actDim * HALF_LOG_2PI;
    }
    rollout.actions.set(actions, t * N * actDim);
    const step = env.step(actions);
    storeStep(run, step, t);
    run.nextObs = step.obs;
  }
  return learner.value(run.nextObs);
}

/** Records one vector step: rewards, episode ends, V(finalObs) of truncations, and finished episodes. */
function storeStep(run: RunState, step: StepResult, t: number): void {
  const { rollout, learner, running } = run;
  const { numEnvs: N, obsDim } = run.env;
  rollout.rewards.set(step.reward, t * N);
  rollout.terminated.set(step.terminated, t * N);
  rollout.truncated.set(step.truncated, t * N);
  const cut = [...step.truncated.keys()].filter((e) => step.truncated[e] && !step.terminated[e]);
  if (cut.length > 0) {
    const finals = new Float32Array(cut.length * obsDim);
    cut.forEach((e, k) => finals.set(requireFinalObs(step.finalObs[e], e), k * obsDim));
    learner.value(finals).forEach((v, k) => (rollout.finalValues[t * N + cut[k]] = v));
  }
  for (let e = 0; e < N; e++) {
    running[e].push(step.reward[e]);
    if (step.terminated[e] || step.truncated[e]) {
      run.episodes.push({ return: running[e].reduce((a, b) => a + b, 0), sharpe: episodeSharpe(running[e]) });
      running[e] = [];
    }
  }
}

const LOSS_NAMES = ['policy_loss', 'value_loss', 'entropy', 'old_approx_kl', 'approx_kl', 'clip_fraction'] as const;
type Losses = Record<(typeof LOSS_NAMES)[number], number>;

/** updateEpochs passes over the rollout in shuffled minibatches; the losses' means over every minibatch. */
function updatePolicy(run: RunState, advantages: Float32Array, returns: Float32Array, lr: number): Losses {
  const { config, rollout, learner, shuffler } = run;
  const { obsDim, actDim } = run.env;
  const batchSize = rollout.logprobs.length;
  const mb = config.minibatchSize;
  const sums = new Float64Array(LOSS_NAMES.length);
  const rows: RolloutArrays = { ...rollout, advantages, returns, obsDim, actDim, normAdv: config.normAdv };
  const minibatch = minibatchStorage(mb, obsDim, actDim);
  let minibatches = 0;
  for (let epoch = 0; epoch < config.updateEpochs; epoch++) {
    const order = shuffledIndices(batchSize, shuffler);
    let epochKl = 0;
    let epochMinibatches = 0;
    for (let start = 0; start + mb <= batchSize; start += mb) {
      const stats = learner.update(gatherMinibatch(order.subarray(start, start + mb), rows, minibatch), lr);
      stats.forEach((x, i) => (sums[i] += x));
      epochKl += stats[4];
      epochMinibatches++;
      minibatches++;
    }
    if (config.targetKl !== null && epochKl / epochMinibatches > config.targetKl) break;
  }
  return Object.fromEntries(LOSS_NAMES.map((name, i) => [name, sums[i] / minibatches])) as Losses;
}

/** The update's history line. */
function updateLog(run: RunState, iteration: number, lr: number, losses: Losses, returns: Float32Array, completed: PpoEpisode[], started: number): PpoUpdateLog {
  return {
    update: iteration,
    global_step: run.globalStep,
    learning_rate: lr,
    ...losses,
    explained_variance: explainedVariance(run.rollout.values, returns),
    mean_episode_return: completed.length > 0 ? completed.reduce((s, e) => s + e.return, 0) / completed.length : null,
    episodes_completed: completed.length,
    steps_per_second: run.globalStep / ((performance.now() - started) / 1000),
  };
}

interface RolloutArrays {
  obs: Float32Array;
  actions: Float32Array;
  logprobs: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
  values: Float32Array;
  obsDim: number;
  actDim: number;
  normAdv: boolean;
}

/** Buffers for one minibatch of n rows, filled again for every minibatch. */
function minibatchStorage(n: number, obsDim: number, actDim: number): Minibatch {
  return { obs: new Float32Array(n * obsDim), actions: new Float32Array(n * actDim), logprobs: new Float32Array(n), advantages: new Float32Array(n), returns: new Float32Array(n), values: new Float32Array(n) };
}

/** Copies the minibatch's rows out of the rollout into `out` (cheaper in JS than a tf.gather per tensor) and normalises its advantages. */
function gatherMinibatch(indices: Int32Array, r: RolloutArrays, out: Minibatch): Minibatch {
  const n = indices.length;
  const { obsDim, actDim } = r;
  for (let k = 0; k < n; k++) {
    const b = indices[k];
    out.obs.set(r.obs.subarray(b * obsDim, (b + 1) * obsDim), k * obsDim);
    out.actions.set(r.actions.subarray(b * actDim, (b + 1) * actDim), k * actDim);
    out.logprobs[k] = r.logprobs[b];
    out.advantages[k] = r.advantages[b];
    out.returns[k] = r.returns[b];
    out.values[k] = r.values[b];
  }
  if (r.normAdv && n > 1) {
    let mean = 0;
    for (let k = 0; k < n; k++) mean += out.advantages[k];
    mean /= n;
    let squares = 0;
    for (let k = 0; k < n; k++) squares += (out.advantages[k] - mean) ** 2;
    const std = Math.sqrt(squares / (n - 1)); // torch's unbiased std
    for (let k = 0; k < n; k++) out.advantages[k] = (out.advantages[k] - mean) / (std + 1e-8);
  }
  return out;
}

function assertValidConfig(c: PpoConfig): void {
  const counts = { numEnvs: c.numEnvs, numSteps: c.numSteps, updateEpochs: c.updateEpochs, minibatchSize: c.minibatchSize, totalTimesteps: c.totalTimesteps };
  for (const [name, v] of Object.entries(counts)) if (!Number.isInteger(v) || v < 1) throw new Error(`PPO config ${name} must be a positive integer, got ${v}`);
  const rates = { learningRate: c.learningRate, gamma: c.gamma, gaeLambda: c.gaeLambda, clipCoef: c.clipCoef, entCoef: c.entCoef, vfCoef: c.vfCoef, maxGradNorm: c.maxGradNorm };
  for (const [name, v] of Object.entries(rates)) if (!(Number.isFinite(v) && v >= 0)) throw new Error(`PPO config ${name} must be a finite number ≥ 0, got ${v}`);
  if (!c.hiddenSizes.every((h) => Number.isInteger(h) && h >= 1)) throw new Error(`PPO config hiddenSizes must be positive integers, got [${c.hiddenSizes}]`);
}

function explainedVariance(predicted: Float32Array, actual: Float32Array): number | null {
  const variance = (xs: ArrayLike<number>) => {
    let mean = 0;
    for (let i = 0; i < xs.length; i++) mean += xs[i];
    mean /= xs.length;
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += (xs[i] - mean) ** 2;
    return s / xs.length;
  };
  const varY = variance(actual);
  if (varY === 0) return null;
  return 1 - variance(Float64Array.from(actual, (y, i) => y - predicted[i])) / varY;
}

function requireFinalObs(obs: Float32Array | null, env: number): Float32Array {
  if (!obs) throw new Error(`env ${env} was truncated without a finalObs to bootstrap from`);
  return obs;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
