/**
 * SAC's config and its defaults (the issue's figures, see sac.ts for where they differ from
 * CleanRL's). Light: no TensorFlow.js here, so the agents' config (sac-config.ts), which the specs
 * read where a run is only planned, takes its figures from here too.
 */
export interface SacConfig {
  /** Seeds the networks' initialisation, the warm-up and policy samples, the replay sampling and (through a factory) the envs. */
  seed: number;
  /** Environment steps (transitions, all envs together) to train for; rounded down to whole vector steps, at least one. */
  totalSteps: number;
  /** Adam learning rate of the actor and the critics: 3e-4, or 1e-4 when fine-tuning unless set. */
  learningRate: number;
  /** Adam learning rate of log α: 3e-4, or 1e-4 when fine-tuning unless set. */
  alphaLearningRate: number;
  /** Transitions per gradient step. */
  batchSize: number;
  /** Polyak coefficient of the target networks: target ← τ·online + (1 − τ)·target after every update. */
  tau: number;
  /** Discount factor. */
  gamma: number;
  /** Environment steps of warm-up (random actions, no updates) before learning starts. */
  learningStarts: number;
  /** Replay capacity in transitions; null: the run's totalSteps (so nothing is ever overwritten). */
  bufferSize: number | null;
  /** Envs stepped together; used when trainSac builds the env from a factory, else must match the env. */
  numEnvs: number;
  /** The action range: actions are actionScale·tanh(u), in (−actionScale, actionScale); for logits, 3 spans weights e^±6. */
  actionScale: number;
  /** α at the start of a full run (log α is then learned). CleanRL starts at 1; the portfolio's rewards are weekly log returns (~0.01), so 0.01 puts the entropy bonus on their scale from the first update. */
  initialAlpha: number;
  /** The entropy α steers to; null: −actDim (CleanRL's −|A|). */
  targetEntropy: number | null;
  /** Hidden layer widths of the actor and both critics (ReLU). */
  hiddenSizes: number[];
  /** Updates per history line (and onUpdate call): each line holds the means over its updates. */
  logInterval: number;
  /** `final` is the mean over this many last updates (fewer if the run had fewer). */
  finalWindow: number;
}

/**
 * The SAC figures: 100K environment steps, one env, batch 64, τ 0.005, γ 0.99, learning
 * rates 3e-4, target entropy −actDim (null), a replay as large as the run (null), (64, 64) ReLU;
 * actor_loss / critic_loss / alpha are means over the last 1000 updates.
 */
export const DEFAULT_SAC_CONFIG: Readonly<SacConfig> = {
  seed: 1,
  totalSteps: 100_000,
  learningRate: 3e-4,
  alphaLearningRate: 3e-4,
  batchSize: 64,
  tau: 0.005,
  gamma: 0.99,
  learningStarts: 1000,
  bufferSize: null,
  numEnvs: 1,
  actionScale: 3,
  initialAlpha: 0.01,
  targetEntropy: null,
  hiddenSizes: [64, 64],
  logInterval: 1000,
  finalWindow: 1000,
};
