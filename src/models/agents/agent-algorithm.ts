/**
 * What an RL algorithm (PPO, SAC) brings to the shared agent trainer (agent-trainer.ts): how to
 * train in the portfolio env from scratch or from a stored agent, how to act deterministically, how
 * to save and load the agent, and its own loss metrics. Everything else (panel, weeks, evaluation,
 * benchmark, comparison, metadata) is the trainer's, the same for every algorithm.
 */
import type { VectorEnv } from './env/agent-env.ts';
import type { AgentCommonConfig } from './agent-config.ts';
import type { CheckpointRecord, ValidationScore } from './checkpoints.ts';

export interface PortfolioAgent {
  readonly obsDim: number;
  /** The deterministic action (S+1 logits) for one observation, as evaluated. */
  act(obs: Float32Array): ArrayLike<number>;
  dispose(): void;
}

export interface AlgorithmRun<A extends PortfolioAgent> {
  agent: A;
  /** The algorithm's losses, in the seed's names and order; they lead the response's metrics. */
  losses: Record<string, number>;
  /** The training episodes completed during the run (return = sum of log-return rewards). */
  episodes: readonly { return: number; sharpe: number }[];
  /** Environment steps taken. */
  timesteps: number;
  /** metadata.training: how the losses were taken (a note) and the per-update history. */
  training: Record<string, unknown>;
  /** With a validation score: every checkpoint's score and the one kept as `agent`. */
  checkpoints?: { history: CheckpointRecord[]; best: CheckpointRecord | null };
}

export interface AgentAlgorithm<A extends PortfolioAgent, C extends AgentCommonConfig> {
  /** The agent's files, stored beside panel-transform.json. */
  serialize(agent: A): Record<string, Uint8Array>;
  deserialize(files: Readonly<Record<string, Uint8Array>>): A;
  /**
   * Trains in `makeEnv`'s envs (the training weeks): from scratch with the config's full-run figures,
   * or, given `base`, a fine-tune with its fine-tune figures (`base` is left as it was). Given a
   * validation score, `config.validation.checkpoints` checkpoints are scored and the best is returned.
   */
  train(makeEnv: (numEnvs: number, seed: number) => VectorEnv, config: C, base: A | undefined, log: (line: string) => void, validation?: ValidationScore): Promise<AlgorithmRun<A>>;
}
