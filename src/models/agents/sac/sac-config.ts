/**
 * The SAC agents' config per profile (all of it is in the version hash) and its validation. Light:
 * no TensorFlow.js here (the spec reads it where a run is only planned), so sac.ts's defaults are
 * restated here rather than imported (a unit test keeps them equal).
 */
import type { ProfileName } from '../../../config/profiles.ts';
import { SEED_AGENT_COMMON, assertPositiveIntegers, validateAgentCommon, type AgentCommonConfig } from '../agent-config.ts';

/** sac.ts's SacConfig without the seed (the agent config's seed is used). */
export interface SacHyperParameters {
  totalSteps: number;
  learningRate: number;
  alphaLearningRate: number;
  batchSize: number;
  tau: number;
  gamma: number;
  learningStarts: number;
  bufferSize: number | null;
  numEnvs: number;
  actionScale: number;
  initialAlpha: number;
  targetEntropy: number | null;
  hiddenSizes: number[];
  logInterval: number;
  finalWindow: number;
}

export interface SacAgentConfig extends AgentCommonConfig {
  sac: SacHyperParameters;
  /** Fine-tune: from the current agent, totalSteps at learningRate (actor, critics and α) on trainWeeks, then evalWeeks at the window's end. */
  finetune: AgentCommonConfig['finetune'] & { totalSteps: number; learningRate: number };
}

/**
 * The SAC figures: 100K environment steps, one env, batch 64, τ 0.005, γ 0.99, learning
 * rates 3e-4, target entropy −actDim (null), a replay as large as the run (null), (64, 64) ReLU;
 * actor_loss / critic_loss / alpha are means over the last 1000 updates.
 */
export const SEED_SAC: SacHyperParameters = {
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
  finetune: { ...SEED_AGENT.finetune, totalSteps: 400 },
};

const PER_PROFILE: Record<ProfileName, Omit<SacAgentConfig, 'forecaster'>> = {
  smoke: SMOKE_AGENT,
  local: SEED_AGENT,
  full: SEED_AGENT,
};

export function sacAgentConfig(profile: ProfileName, forecaster: SacAgentConfig['forecaster']): SacAgentConfig {
  return validateSacAgentConfig({ ...structuredClone(PER_PROFILE[profile]), forecaster });
}

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
