/**
 * The contract between the portfolio environment and the agents (PPO, SAC): a batch of
 * `numEnvs` environments stepped together (the CleanRL / gymnasium vector-env habit).
 * Arrays are flat, row-major: obs is numEnvs × obsDim, actions numEnvs × actDim.
 */
export interface StepResult {
  /** The next observation of each env; for an env whose episode ended, the first observation of its next episode (auto-reset). */
  obs: Float32Array;
  reward: Float32Array;
  /** 1 where the episode reached a terminal state (no bootstrap). */
  terminated: Uint8Array;
  /** 1 where the episode was cut by its time limit (bootstrap from `finalObs`). */
  truncated: Uint8Array;
  /** The last observation of each env whose episode ended this step (terminated or truncated), else null. */
  finalObs: (Float32Array | null)[];
}

export interface VectorEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly actDim: number;
  /** Starts every env's episode; seeded by the env's own seed. */
  reset(): Float32Array;
  /** Applies one action per env (raw policy outputs, e.g. logits), returns the transitions. */
  step(actions: Float32Array): StepResult;
}
