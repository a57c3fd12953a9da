/** The PPO portfolio agents (ppo_lstm, ppo_patchtst), as the registry of kinds knows them. */
import type { KindSpec, PromotionMetric } from '../../kind-spec.ts';
import { AGENT_SOURCES } from '../agent-config.ts';
import { ppoAgentConfig, type PpoAgentConfig } from './ppo-config.ts';

/** The seed's PPO response metrics, in its order (the benchmark's three and others follow). */
export const PPO_RESPONSE_METRICS = ['policy_loss', 'value_loss', 'avg_episode_return', 'avg_episode_sharpe', 'eval_sharpe', 'eval_cagr', 'eval_max_drawdown'] as const;

/** The seed's rule for PPO agents: a higher Sharpe on the same evaluation weeks. */
export const PPO_PROMOTION: PromotionMetric = { name: 'eval_sharpe', better: 'higher' };

function ppoSpec(kind: 'ppo_lstm' | 'ppo_patchtst', forecaster: PpoAgentConfig['forecaster']): KindSpec<PpoAgentConfig> {
  return {
    kind,
    config: (profile) => ppoAgentConfig(profile, forecaster),
    lookbackDays: (config) => config.lookbackDays,
    // The panel reads news sentiment and statements: what they hold is part of the version.
    usesSignals: () => true,
    promotion: PPO_PROMOTION,
    responseMetrics: PPO_RESPONSE_METRICS,
    sources: [...AGENT_SOURCES, `models/forecasters/${forecaster}`],
    loadTrainer: async () => (await import('./ppo-trainer.ts')).ppoTrainer,
  };
}

export const ppoLstmSpec = ppoSpec('ppo_lstm', 'lstm');
export const ppoPatchtstSpec = ppoSpec('ppo_patchtst', 'patchtst');
