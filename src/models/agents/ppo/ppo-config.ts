/**
 * The PPO agents' config per profile (all of it is in the version hash) and its validation. Light:
 * no TensorFlow.js here (the spec reads it where a run is only planned), so the seed's PPO
 * hyper-parameters are restated here rather than imported from ppo.ts (a unit test keeps them equal).
 */
import type { ProfileName } from '../../../config/profiles.ts';

export interface PpoHyperParameters {
  totalTimesteps: number;
  learningRate: number;
  annealLr: boolean;
  numEnvs: number;
  numSteps: number;
  gamma: number;
  gaeLambda: number;
  updateEpochs: number;
  minibatchSize: number;
  normAdv: boolean;
  clipCoef: number;
  clipVloss: boolean;
  entCoef: number;
  vfCoef: number;
  maxGradNorm: number;
  targetKl: number | null;
  adamEpsilon: number;
  hiddenSizes: number[];
}

export interface PpoAgentConfig {
  /** The forecaster whose walk-forward forecasts the agent reads. */
  forecaster: 'lstm' | 'patchtst';
  seed: number;
  ppo: PpoHyperParameters;
  /** Training episodes: this many consecutive weeks from a random start in the training weeks, starting all cash. */
  episodeWeeks: number;
  maxStockWeight: number;
  minCash: number;
  costBps: number;
  /** Full mode: the last evalFraction of the panel's weeks are held out, after gapWeeks unused weeks. */
  evalFraction: number;
  gapWeeks: number;
  /** Price features: the return over returnDays trading days and the volatility of daily log returns over volatilityDays, to the previous close. */
  returnDays: number;
  volatilityDays: number;
  /** Trading days of prices read before the first week (≥ volatilityDays + 1). */
  lookbackDays: number;
  /** Fine-tune: from the current agent, trainWeeks then evalWeeks at the window's end. */
  finetune: { totalTimesteps: number; learningRate: number; trainWeeks: number; evalWeeks: number };
}

/** The seed's PPO figures (CleanRL's, with entropy 0.01 and minibatch 64): rollout 8 envs × 256 steps = 2048 timesteps. */
export const SEED_PPO: PpoHyperParameters = {
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

const SEED_AGENT: Omit<PpoAgentConfig, 'forecaster'> = {
  seed: 1,
  ppo: SEED_PPO,
  episodeWeeks: 52,
  maxStockWeight: 0.2,
  minCash: 0.02,
  costBps: 10,
  evalFraction: 0.2,
  gapWeeks: 4,
  returnDays: 20,
  volatilityDays: 60,
  lookbackDays: 70,
  finetune: { totalTimesteps: 10_000, learningRate: 1e-4, trainWeeks: 26, evalWeeks: 13 },
};

const SMOKE_AGENT: Omit<PpoAgentConfig, 'forecaster'> = {
  ...SEED_AGENT,
  ppo: { ...SEED_PPO, totalTimesteps: 2_048, numEnvs: 4, numSteps: 128, updateEpochs: 4, hiddenSizes: [16, 16] },
  gapWeeks: 2,
  finetune: { ...SEED_AGENT.finetune, totalTimesteps: 1_024 },
};

const PER_PROFILE: Record<ProfileName, Omit<PpoAgentConfig, 'forecaster'>> = {
  smoke: SMOKE_AGENT,
  local: SEED_AGENT,
  full: SEED_AGENT,
};

export function ppoAgentConfig(profile: ProfileName, forecaster: PpoAgentConfig['forecaster']): PpoAgentConfig {
  const base = PER_PROFILE[profile];
  return validatePpoAgentConfig({ ...structuredClone(base), forecaster });
}

export function validatePpoAgentConfig(c: PpoAgentConfig): PpoAgentConfig {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`ppo config ${name} must be a positive integer, got ${v}`);
  };
  for (const key of ['totalTimesteps', 'numEnvs', 'numSteps', 'updateEpochs', 'minibatchSize'] as const) positiveInt(key, c.ppo[key]);
  for (const key of ['episodeWeeks', 'returnDays', 'volatilityDays', 'lookbackDays'] as const) positiveInt(key, c[key]);
  for (const key of ['totalTimesteps', 'trainWeeks', 'evalWeeks'] as const) positiveInt(`finetune.${key}`, c.finetune[key]);
  if (c.ppo.minibatchSize > c.ppo.numEnvs * c.ppo.numSteps) throw new Error('ppo config minibatchSize exceeds the rollout size numEnvs × numSteps');
  if (!(c.evalFraction > 0 && c.evalFraction < 1)) throw new Error(`ppo config evalFraction must be in (0, 1), got ${c.evalFraction}`);
  if (!Number.isInteger(c.gapWeeks) || c.gapWeeks < 0) throw new Error(`ppo config gapWeeks must be a non-negative integer, got ${c.gapWeeks}`);
  if (c.lookbackDays <= c.volatilityDays || c.lookbackDays <= c.returnDays) throw new Error('ppo config lookbackDays must exceed returnDays and volatilityDays');
  if (!(c.ppo.learningRate > 0) || !(c.finetune.learningRate > 0)) throw new Error('ppo config learning rates must be positive');
  return c;
}
