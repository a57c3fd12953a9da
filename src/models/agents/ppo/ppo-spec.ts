/** The PPO portfolio agents (ppo_lstm, ppo_patchtst), as the registry of kinds knows them. */
import type { PromotionMetric } from '../../kind-spec.ts';
import { lstmSpec } from '../../forecasters/lstm/lstm-spec.ts';
import { patchtstSpec } from '../../forecasters/patchtst/patchtst-spec.ts';
import { agentKindSpec, type AgentKindPieces } from '../agent-spec.ts';
import { ppoAgentConfig, type PpoAgentConfig } from './ppo-config.ts';

/** The seed's PPO response metrics, in its order (the benchmark's three and others follow). */
export const PPO_RESPONSE_METRICS = ['policy_loss', 'value_loss', 'avg_episode_return', 'avg_episode_sharpe', 'eval_sharpe', 'eval_cagr', 'eval_max_drawdown'] as const;

/** The seed's rule for PPO agents: a higher Sharpe on the same evaluation weeks. */
export const PPO_PROMOTION: PromotionMetric = { name: 'eval_sharpe', better: 'higher' };

/** What PPO brings to an agent kind on any forecaster. */
export const PPO_PIECES: AgentKindPieces<PpoAgentConfig> = {
  config: ppoAgentConfig,
  promotion: PPO_PROMOTION,
  responseMetrics: PPO_RESPONSE_METRICS,
  loadTrainer: async () => (await import('./ppo-trainer.ts')).ppoTrainer,
  // PPO's act() is the mean action, as evaluated; a stored policy ensemble (ensemble-files.ts) averages its members' logits.
  policy: { algorithm: 'ppo', load: async () => (await import('../ensemble-files.ts')).agentOrEnsembleLoader((await import('./ppo-artifacts.ts')).deserializePpoAgent) },
};

export const ppoLstmSpec = agentKindSpec('ppo_lstm', lstmSpec, PPO_PIECES);
export const ppoPatchtstSpec = agentKindSpec('ppo_patchtst', patchtstSpec, PPO_PIECES);
