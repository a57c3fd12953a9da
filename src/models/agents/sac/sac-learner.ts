/**
 * What SAC's training loop asks of the networks: a policy sample per env step and one update
 * (critics, actor, α, targets) per gradient step. Two implementations with the same arithmetic:
 * the mlp wasm kernel (sac-kernel-learner.ts: the networks and the three Adams in the kernel's
 * memory until `finish`) on the wasm backend, and tfjs ops with autodiff (sac-tfjs-learner.ts) on
 * any other backend, e.g. tfjs-node-gpu in the trainer container.
 */
import type { Rng } from '../../../ml/random.ts';
import type { NamedWeights } from '../agent-artifacts.ts';
import type { ReplayBatch } from './sac.ts';

export interface SacLearner {
  /** Starts each Adam from a saved state (a fine-tune of an agent that carries one). */
  importOptimizerState(state: readonly NamedWeights[]): Promise<void>;
  /** Sampled actions (flat n × actDim) for flat n × obsDim observations, drawing from `rng`. */
  act(obs: Float32Array, rng: Rng): Float32Array;
  /**
   * One gradient step of the critics, the actor and the temperature, then the soft target update.
   * `noise` is 2 × n × actDim standard normals (a' ~ π(s'), then the actor step's sample). Returns
   * [actor_loss, critic_loss, alpha, mean_q, entropy].
   */
  update(batch: ReplayBatch, noise: Float32Array, targetEntropy: number): Float32Array;
  /** Writes the weights and the Adams' state trained so far into the agent; training may go on (a checkpoint). */
  sync(): Promise<void>;
  /** Leaves the trained weights and the Adams' state in the agent and frees the learner's own state. */
  finish(): Promise<void>;
  /** Frees the learner's own state without touching the agent (after a failure). */
  dispose(): void;
}

/** Which implementation: the mlp kernel (wasm backend) or tfjs ops (any backend). */
export type SacLearnerEngine = 'kernel' | 'tfjs';
