/** The PPO portfolio agents (ppo_lstm, ppo_patchtst), as the registry of kinds knows them. */
import type { KindSpec } from '../../kind-spec.ts';
import { ppoAgentConfig, type PpoAgentConfig } from './ppo-config.ts';

/** The seed's PPO response metrics, in its order (the benchmark's three and others follow). */
export const PPO_RESPONSE_METRICS = ['policy_loss', 'value_loss', 'avg_episode_return', 'avg_episode_sharpe', 'eval_sharpe', 'eval_cagr', 'eval_max_drawdown'] as const;

const SOURCES = [
  'models/agents',
  'models/forecasters/shared',
  'features',
  'data',
  'ml',
  'snapshots/walk-forward.ts',
  'snapshots/snapshot-for-week.ts',
  'snapshots/list-snapshots.ts',
] as const;

function ppoSpec(kind: 'ppo_lstm' | 'ppo_patchtst', forecaster: PpoAgentConfig['forecaster']): KindSpec<PpoAgentConfig> {
  return {
    kind,
    config: (profile) => ppoAgentConfig(profile, forecaster),
    lookbackDays: (config) => config.lookbackDays,
    promotion: { name: 'eval_sharpe', better: 'higher' },
    responseMetrics: PPO_RESPONSE_METRICS,
    sources: [...SOURCES, `models/forecasters/${forecaster}`],
    loadTrainer: async () => (await import('./ppo-trainer.ts')).ppoTrainer,
  };
}

export const ppoLstmSpec = ppoSpec('ppo_lstm', 'lstm');
export const ppoPatchtstSpec = ppoSpec('ppo_patchtst', 'patchtst');
