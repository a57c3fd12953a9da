/** The SAC agents' config and spec: the issue's figures, sac-defaults.ts's figures, the registry entries. */
import { describe, expect, it } from 'vitest';
import { sacAgentConfig, validateSacAgentConfig } from '../../src/models/agents/sac/sac-config.ts';
import { DEFAULT_SAC_CONFIG } from '../../src/models/agents/sac/sac-defaults.ts';
import { ppoAgentConfig } from '../../src/models/agents/ppo/ppo-config.ts';
import { kindSpec } from '../../src/models/kinds.ts';
import { isTrainerRegistered } from '../../src/models/registered-kinds.ts';

describe('the SAC agents as kinds', () => {
  it('trains with the SAC defaults (sac-defaults.ts), the agent config holding the seed', () => {
    const { seed: _seed, ...rest } = DEFAULT_SAC_CONFIG;
    expect(sacAgentConfig('full', 'lstm').sac).toEqual(rest);
  });

  it('trains 100K steps in the local and full profiles, fine-tunes 10K steps at 1e-4 on 26 + 4 gap + 13 weeks', () => {
    for (const profile of ['local', 'full'] as const) {
      const config = sacAgentConfig(profile, 'lstm');
      expect(config.sac).toMatchObject({ totalSteps: 100_000, learningRate: 3e-4, alphaLearningRate: 3e-4, batchSize: 64, tau: 0.005, gamma: 0.99, hiddenSizes: [64, 64] });
      expect(config.finetune).toEqual({ totalSteps: 10_000, learningRate: 1e-4, trainWeeks: 26, gapWeeks: 4, evalWeeks: 13 });
    }
    expect(sacAgentConfig('smoke', 'lstm').sac.totalSteps).toBeLessThan(2_000);
  });

  it('shares the environment, features and week splits with the PPO agents', () => {
    for (const profile of ['smoke', 'local'] as const) {
      const { sac: _s, finetune: sacTune, ...sac } = sacAgentConfig(profile, 'patchtst');
      const { ppo: _p, finetune: ppoTune, ...ppo } = ppoAgentConfig(profile, 'patchtst');
      expect(sac).toEqual(ppo);
      expect([sacTune.trainWeeks, sacTune.evalWeeks]).toEqual([ppoTune.trainWeeks, ppoTune.evalWeeks]);
    }
  });

  it('registers sac_lstm and sac_patchtst with eval_cagr (higher) and the seed response metrics', () => {
    for (const [kind, forecaster] of [['sac_lstm', 'lstm'], ['sac_patchtst', 'patchtst']] as const) {
      expect(isTrainerRegistered(kind)).toBe(true);
      const spec = kindSpec(kind);
      expect(spec.promotion).toEqual({ name: 'eval_cagr', better: 'higher' });
      expect(spec.responseMetrics).toEqual(['actor_loss', 'critic_loss', 'alpha', 'avg_episode_return', 'avg_episode_sharpe', 'eval_sharpe', 'eval_cagr', 'eval_max_drawdown']);
      expect((spec.config('smoke') as { forecaster: string }).forecaster).toBe(forecaster);
    }
  });

  it('refuses a config that would take no update', () => {
    const config = sacAgentConfig('smoke', 'lstm');
    expect(() => validateSacAgentConfig({ ...config, finetune: { ...config.finetune, totalSteps: config.sac.learningStarts } })).toThrow(/finetune.totalSteps/);
    expect(() => validateSacAgentConfig({ ...config, sac: { ...config.sac, batchSize: 0 } })).toThrow(/batchSize must be a positive integer/);
  });
});
