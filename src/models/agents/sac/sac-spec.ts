/** The SAC portfolio agents (sac_lstm, sac_patchtst), as the registry of kinds knows them. */
import type { PromotionMetric } from '../../kind-spec.ts';
import { lstmSpec } from '../../forecasters/lstm/lstm-spec.ts';
import { patchtstSpec } from '../../forecasters/patchtst/patchtst-spec.ts';
import { agentKindSpec, type AgentKindPieces } from '../agent-spec.ts';
import { sacAgentConfig, type SacAgentConfig } from './sac-config.ts';

/** The seed's SAC response metrics, in its order (the benchmark's three and others follow). */
export const SAC_RESPONSE_METRICS = ['actor_loss', 'critic_loss', 'alpha', 'avg_episode_return', 'avg_episode_sharpe', 'eval_sharpe', 'eval_cagr', 'eval_max_drawdown'] as const;

/** The seed's rule for SAC agents: a higher CAGR on the same evaluation weeks. */
export const SAC_PROMOTION: PromotionMetric = { name: 'eval_cagr', better: 'higher' };

/** What SAC brings to an agent kind on any forecaster. */
export const SAC_PIECES: AgentKindPieces<SacAgentConfig> = {
  config: sacAgentConfig,
  promotion: SAC_PROMOTION,
  responseMetrics: SAC_RESPONSE_METRICS,
  loadTrainer: async () => (await import('./sac-trainer.ts')).sacTrainer,
  // SAC's act() is the squashed mean, as evaluated; a stored policy ensemble (ensemble-files.ts) averages its members' logits.
  policy: { algorithm: 'sac', load: async () => (await import('../ensemble-files.ts')).agentOrEnsembleLoader((await import('./sac-artifacts.ts')).deserializeSacAgent) },
};

export const sacLstmSpec = agentKindSpec('sac_lstm', lstmSpec, SAC_PIECES);
export const sacPatchtstSpec = agentKindSpec('sac_patchtst', patchtstSpec, SAC_PIECES);
