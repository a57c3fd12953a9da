/** The SAC portfolio agents (sac_lstm, sac_patchtst), as the registry of kinds knows them. */
import type { KindSpec, PromotionMetric } from '../../kind-spec.ts';
import { AGENT_SOURCES } from '../agent-config.ts';
import { sacAgentConfig, type SacAgentConfig } from './sac-config.ts';

/** The seed's SAC response metrics, in its order (the benchmark's three and others follow). */
export const SAC_RESPONSE_METRICS = ['actor_loss', 'critic_loss', 'alpha', 'avg_episode_return', 'avg_episode_sharpe', 'eval_sharpe', 'eval_cagr', 'eval_max_drawdown'] as const;

/** The seed's rule for SAC agents: a higher CAGR on the same evaluation weeks. */
export const SAC_PROMOTION: PromotionMetric = { name: 'eval_cagr', better: 'higher' };

function sacSpec(kind: 'sac_lstm' | 'sac_patchtst', forecaster: SacAgentConfig['forecaster']): KindSpec<SacAgentConfig> {
  return {
    kind,
    config: (profile) => sacAgentConfig(profile, forecaster),
    lookbackDays: (config) => config.lookbackDays,
    // The panel reads news sentiment and statements: what they hold is part of the version.
    usesSignals: () => true,
    promotion: SAC_PROMOTION,
    responseMetrics: SAC_RESPONSE_METRICS,
    sources: [...AGENT_SOURCES, `models/forecasters/${forecaster}`],
    loadTrainer: async () => (await import('./sac-trainer.ts')).sacTrainer,
  };
}

export const sacLstmSpec = sacSpec('sac_lstm', 'lstm');
export const sacPatchtstSpec = sacSpec('sac_patchtst', 'patchtst');
