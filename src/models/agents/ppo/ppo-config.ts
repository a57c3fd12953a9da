/**
 * The PPO agents' config per profile (all of it is in the version hash) and its validation. Light:
 * no TensorFlow.js here (the spec reads it where a run is only planned), so the seed's PPO
 * hyper-parameters are restated here rather than imported from ppo.ts (a unit test keeps them equal).
 */
import type { ProfileName } from '../../../config/profiles.ts';
import { SEED_AGENT_COMMON, assertPositiveIntegers, validateAgentCommon, type AgentCommonConfig } from '../agent-config.ts';

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

export interface PpoAgentConfig extends AgentCommonConfig {
  ppo: PpoHyperParameters;
  /** Fine-tune: from the current agent, totalTimesteps at learningRate on trainWeeks, then evalWeeks at the window's end. */
  finetune: AgentCommonConfig['finetune'] & { totalTimesteps: number; learningRate: number };
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
  ...SEED_AGENT_COMMON,
  ppo: SEED_PPO,
  finetune: { totalTimesteps: 10_000, learningRate: 1e-4, ...SEED_AGENT_COMMON.finetune },
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
  validateAgentCommon(c, 'ppo config');
  const { totalTimesteps, numEnvs, numSteps, updateEpochs, minibatchSize } = c.ppo;
  assertPositiveIntegers('ppo config', { totalTimesteps, numEnvs, numSteps, updateEpochs, minibatchSize, 'finetune.totalTimesteps': c.finetune.totalTimesteps });
  if (c.ppo.minibatchSize > c.ppo.numEnvs * c.ppo.numSteps) throw new Error('ppo config minibatchSize exceeds the rollout size numEnvs × numSteps');
  if (!(c.ppo.learningRate > 0) || !(c.finetune.learningRate > 0)) throw new Error('ppo config learning rates must be positive');
  return c;
}
