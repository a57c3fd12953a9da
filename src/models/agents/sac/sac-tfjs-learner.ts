/**
 * SAC's gradient step as tfjs ops and autodiff (three tfjs Adams: actor, critics, α), for backends
 * other than wasm and as the reference the kernel learner is tested against; and those Adams'
 * state as plain data, by position (the format an agent's files keep for a fine-tune).
 */
import { tf } from '../../../ml/backend.ts';
import type { Rng } from '../../../ml/random.ts';
import type { NamedWeights } from '../agent-artifacts.ts';
import type { ReplayBatch, SacAgent } from './sac.ts';
import { softQTarget, temperatureLoss } from './sac-losses.ts';
import type { SacConfig } from './sac-defaults.ts';
import type { SacLearner } from './sac-learner.ts';

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

// Optimiser state as plain data (for fine-tuning): each Adam's iteration count and moments, by
// position (tfjs's Adam keys its slots by the order of the gradients, which is fixed here).

export const OPTIMIZER_NAMES = ['actor', 'critic', 'alpha'] as const;

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

export class SacTfjsLearner implements SacLearner {
  private readonly optimizers: SacOptimizers;

  constructor(
    private readonly agent: SacAgent,
    config: Readonly<SacConfig>,
  ) {
    this.optimizers = createOptimizers(config);
  }

  importOptimizerState(state: readonly NamedWeights[]): Promise<void> {
    return importOptimizerState(this.optimizers, state);
  }

  act(obs: Float32Array, rng: Rng): Float32Array {
    return this.agent.act(obs, false, rng);
  }

  update(batch: ReplayBatch, noise: Float32Array, targetEntropy: number): Float32Array {
    return sacUpdate(this.agent, this.optimizers, batch, noise, targetEntropy);
  }

  /** The agent's variables are the ones trained: only the Adams' state is written. */
  async sync(): Promise<void> {
    this.agent.optimizerState = await exportOptimizerState(this.optimizers);
  }

  async finish(): Promise<void> {
    await this.sync();
    this.dispose();
  }

  dispose(): void {
    Object.values(this.optimizers).forEach((o) => o.dispose());
  }
}
