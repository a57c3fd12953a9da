/**
 * PPO's config and its defaults (CleanRL's, with entropy 0.01 and minibatch 64: a rollout of
 * 8 envs × 256 steps = 2048 timesteps). Light: no TensorFlow.js here, so the agents' config
 * (ppo-config.ts), which the specs read where a run is only planned, takes its figures from here too.
 */
export interface PpoConfig {
  /** Seeds the networks' initialisation, the action sampling, the minibatch shuffles and (through a factory) the envs. */
  seed: number;
  /** Env timesteps to train for (all envs together); rounded down to whole rollouts, at least one. */
  totalTimesteps: number;
  /** Adam learning rate: 3e-4, or 1e-4 when fine-tuning from an `initial` agent unless set. */
  learningRate: number;
  /** Anneal the learning rate linearly to 0 over the run (CleanRL's default). */
  annealLr: boolean;
  /** Envs stepped together; used when trainPpo builds the env from a factory, else must match the env. */
  numEnvs: number;
  /** Steps per env per rollout: a rollout is numEnvs × numSteps timesteps. */
  numSteps: number;
  /** Discount factor. */
  gamma: number;
  /** λ of generalised advantage estimation. */
  gaeLambda: number;
  /** Passes over each rollout. */
  updateEpochs: number;
  /** Timesteps per gradient step; a rollout's remainder after whole minibatches is skipped that epoch. */
  minibatchSize: number;
  /** Normalise the advantages per minibatch (mean 0, std 1). */
  normAdv: boolean;
  /** The surrogate clipping coefficient ε (and the value clipping range). */
  clipCoef: number;
  /** Clip the value loss around the rollout's values, as in the PPO paper's implementation. */
  clipVloss: boolean;
  /** Weight of the entropy bonus. */
  entCoef: number;
  /** Weight of the value loss. */
  vfCoef: number;
  /** Clip the global gradient norm (actor + critic + log-std together) to this. */
  maxGradNorm: number;
  /** Stop an update's epochs early once the approximate KL exceeds this (null: never). */
  targetKl: number | null;
  /** Adam's ε (CleanRL: 1e-5). */
  adamEpsilon: number;
  /** Hidden layer widths of both the actor and the critic (tanh). */
  hiddenSizes: number[];
}

export const DEFAULT_PPO_CONFIG: Readonly<PpoConfig> = {
  seed: 1,
  totalTimesteps: 100_000,
  learningRate: 3e-4,
  annealLr: true,
  numEnvs: 8,
  numSteps: 256,
  gamma: 0.99,
  gaeLambda: 0.95,
  updateEpochs: 10,
  minibatchSize: 64,
  normAdv: true,
  clipCoef: 0.2,
  clipVloss: true,
  entCoef: 0.01,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  adamEpsilon: 1e-5,
  hiddenSizes: [64, 64],
};
