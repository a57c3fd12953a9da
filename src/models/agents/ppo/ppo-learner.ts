/**
 * What PPO's training loop asks of the networks: the policy's means and the values during the
 * rollout, and one clipped-surrogate gradient step per minibatch. Two implementations with the same
 * arithmetic: the mlp wasm kernel (ppo-kernel-learner.ts: a whole step in a few dozen kernel calls,
 * the weights in the kernel's memory until `finish`) on the wasm backend, and tfjs ops with autodiff
 * (ppo-tfjs-learner.ts) on any other backend, e.g. tfjs-node-gpu in the trainer container.
 */
export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** One minibatch's rows, copied out of the rollout, advantages already normalised when asked. */
export interface Minibatch {
  obs: Float32Array;
  actions: Float32Array;
  logprobs: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
  values: Float32Array;
}

export interface PpoLearner {
  /** The policy's means (n × actDim) and the critic's values (n) for n observations (flat n × obsDim). */
  policyAndValue(obs: Float32Array, n: number): { mean: Float32Array; value: Float32Array };
  /** The critic's values for flat n × obsDim observations. */
  value(obs: Float32Array): Float32Array;
  /** The policy's current log-std (actDim). */
  logStd(): Float32Array;
  /**
   * One gradient step (Adam at `learningRate`, global-norm clipped) on the minibatch. Returns
   * [policy_loss, value_loss, entropy, old_approx_kl, approx_kl, clip_fraction].
   */
  update(m: Minibatch, learningRate: number): Float32Array;
  /** Writes the weights trained so far into the agent's variables; training may go on (a checkpoint). */
  sync(): void;
  /** Leaves the trained weights in the agent's variables and frees the learner's own state. */
  finish(): void;
}

/** Which implementation: the mlp kernel (wasm backend) or tfjs ops (any backend). */
export type LearnerEngine = 'kernel' | 'tfjs';
