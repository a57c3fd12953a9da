/**
 * The SAC agents' config per profile (all of it is in the version hash) and its validation. Light:
 * no TensorFlow.js here (the spec reads it where a run is only planned): the SAC figures come from
 * sac-defaults.ts, which sac.ts uses too.
 */
import { SEED_AGENT_COMMON, agentConfigByProfile, assertPositiveIntegers, validateAgentCommon, type AgentCommonConfig } from '../agent-config.ts';
import { DEFAULT_SAC_CONFIG, type SacConfig } from './sac-defaults.ts';

/** SAC's config without the seed (the agent config's seed is used). */
export type SacHyperParameters = Omit<SacConfig, 'seed'>;

export interface SacAgentConfig extends AgentCommonConfig {
  sac: SacHyperParameters;
  /** Fine-tune: from the current agent, totalSteps at learningRate (actor, critics and α) on trainWeeks, then evalWeeks at the window's end. */
  finetune: AgentCommonConfig['finetune'] & { totalSteps: number; learningRate: number };
}

/** The SAC figures: SAC's defaults, without the seed. */
const { seed: _seed, ...SEED_SAC } = DEFAULT_SAC_CONFIG;

const SEED_AGENT: Omit<SacAgentConfig, 'forecaster'> = {
  ...SEED_AGENT_COMMON,
  sac: SEED_SAC,
  finetune: { totalSteps: 10_000, learningRate: 1e-4, ...SEED_AGENT_COMMON.finetune },
};

/** Seconds, for tests: 600 updates after 200 warm-up steps, 200 more in a fine-tune. */
const SMOKE_AGENT: Omit<SacAgentConfig, 'forecaster'> = {
  ...SEED_AGENT,
  sac: { ...SEED_SAC, totalSteps: 800, learningStarts: 200, hiddenSizes: [16, 16], logInterval: 100, finalWindow: 100 },
  gapWeeks: 2,
  finetune: { ...SEED_AGENT.finetune, gapWeeks: 2, totalSteps: 400 },
};

export const sacAgentConfig = agentConfigByProfile<SacAgentConfig>({ smoke: SMOKE_AGENT, local: SEED_AGENT, full: SEED_AGENT }, validateSacAgentConfig);

export function validateSacAgentConfig(c: SacAgentConfig): SacAgentConfig {
  validateAgentCommon(c, 'sac config');
  const { totalSteps, batchSize, numEnvs, logInterval, finalWindow } = c.sac;
  assertPositiveIntegers('sac config', { totalSteps, batchSize, numEnvs, logInterval, finalWindow, 'finetune.totalSteps': c.finetune.totalSteps });
  if (!Number.isInteger(c.sac.learningStarts) || c.sac.learningStarts < 0) throw new Error(`sac config learningStarts must be an integer ≥ 0, got ${c.sac.learningStarts}`);
  if (c.sac.learningStarts >= c.sac.totalSteps) throw new Error('sac config learningStarts must be below totalSteps (no update would be taken)');
  if (c.sac.learningStarts >= c.finetune.totalSteps) throw new Error('sac config learningStarts must be below finetune.totalSteps (no update would be taken)');
  for (const [name, v] of Object.entries({ learningRate: c.sac.learningRate, alphaLearningRate: c.sac.alphaLearningRate, 'finetune.learningRate': c.finetune.learningRate })) {
    if (!(v > 0)) throw new Error(`sac config ${name} must be positive, got ${v}`);
  }
  return c;
}
