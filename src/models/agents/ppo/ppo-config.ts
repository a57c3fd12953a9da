/**
 * The PPO agents' config per profile (all of it is in the version hash) and its validation. Light:
 * no TensorFlow.js here (the spec reads it where a run is only planned): the PPO figures come from
 * ppo-defaults.ts, which ppo.ts uses too.
 */
import { SEED_AGENT_COMMON, agentConfigByProfile, assertPositiveIntegers, validateAgentCommon, type AgentCommonConfig } from '../agent-config.ts';
import { DEFAULT_PPO_CONFIG, type PpoConfig } from './ppo-defaults.ts';

/** PPO's config without the seed (the agent config's seed is used). */
export type PpoHyperParameters = Omit<PpoConfig, 'seed'>;

export interface PpoAgentConfig extends AgentCommonConfig {
  ppo: PpoHyperParameters;
  /** Fine-tune: from the current agent, totalTimesteps at learningRate on trainWeeks, then evalWeeks at the window's end. */
  finetune: AgentCommonConfig['finetune'] & { totalTimesteps: number; learningRate: number };
}

/** The seed's PPO figures: PPO's defaults (CleanRL's, with entropy 0.01 and minibatch 64), without the seed. */
const { seed: _seed, ...SEED_PPO } = DEFAULT_PPO_CONFIG;

const SEED_AGENT: Omit<PpoAgentConfig, 'forecaster'> = {
  ...SEED_AGENT_COMMON,
  ppo: SEED_PPO,
  finetune: { totalTimesteps: 10_000, learningRate: 1e-4, ...SEED_AGENT_COMMON.finetune },
};

const SMOKE_AGENT: Omit<PpoAgentConfig, 'forecaster'> = {
  ...SEED_AGENT,
  ppo: { ...SEED_PPO, totalTimesteps: 2_048, numEnvs: 4, numSteps: 128, updateEpochs: 4, hiddenSizes: [16, 16] },
  gapWeeks: 2,
  finetune: { ...SEED_AGENT.finetune, gapWeeks: 2, totalTimesteps: 1_024 },
};

export const ppoAgentConfig = agentConfigByProfile<PpoAgentConfig>({ smoke: SMOKE_AGENT, local: SEED_AGENT, full: SEED_AGENT }, validatePpoAgentConfig);

export function validatePpoAgentConfig(c: PpoAgentConfig): PpoAgentConfig {
  validateAgentCommon(c, 'ppo config');
  const { totalTimesteps, numEnvs, numSteps, updateEpochs, minibatchSize } = c.ppo;
  assertPositiveIntegers('ppo config', { totalTimesteps, numEnvs, numSteps, updateEpochs, minibatchSize, 'finetune.totalTimesteps': c.finetune.totalTimesteps });
  if (c.ppo.minibatchSize > c.ppo.numEnvs * c.ppo.numSteps) throw new Error('ppo config minibatchSize exceeds the rollout size numEnvs × numSteps');
  if (!(c.ppo.learningRate > 0) || !(c.finetune.learningRate > 0)) throw new Error('ppo config learning rates must be positive');
  return c;
}
