/**
 * A portfolio agent kind as the registry of kinds knows it (ppo_lstm, sac_patchtst, …): what every
 * agent declares alike (its modes, symbols, history, signals, the forecaster it reads, its fine-tune
 * window, its sources) around its algorithm's own pieces (config, promotion rule, response metrics,
 * trainer, policy). Light: no TensorFlow.js here.
 */
import type { ModelKind } from '../../config/model-kinds.ts';
import type { ProfileName } from '../../config/profiles.ts';
import type { KindSpec, PolicyLoader, PromotionMetric } from '../kind-spec.ts';
import type { KindTrainer } from '../kind-trainer.ts';
import { AGENT_SOURCES, finetuneWindowWeeks, type AgentCommonConfig } from './agent-config.ts';
import { firstWeekAfter, universeAsOf } from './agent-weeks.ts';

/** What an algorithm brings to its agent kinds' specs. */
export interface AgentKindPieces<C extends AgentCommonConfig> {
  config(profile: ProfileName, forecaster: C['forecaster']): C;
  promotion: PromotionMetric;
  responseMetrics: readonly string[];
  /** Loaded only where training happens (it brings TensorFlow.js). */
  loadTrainer(): Promise<KindTrainer>;
  /** The algorithm's name (ppo, sac) and its policy, loaded only where an allocation is made (it brings TensorFlow.js). */
  policy: { algorithm: string; load(): Promise<PolicyLoader> };
}

/** The agent kind `kind`: the algorithm of `pieces` on the walk-forward forecasts of the forecaster `forecaster`. */
export function agentKindSpec<C extends AgentCommonConfig>(kind: ModelKind, forecaster: Pick<KindSpec, 'kind' | 'sources'>, pieces: AgentKindPieces<C>): KindSpec<C> {
  return {
    kind,
    config: (profile) => pieces.config(profile, forecaster.kind),
    lookbackDays: (config) => config.lookbackDays,
    // The panel reads news sentiment and statements: what they hold is part of the version.
    usesSignals: () => true,
    modes: ['full', 'finetune'],
    finetuneWindowWeeks,
    // The panel's first week: the first one the oldest snapshot covers (or the window's, for a final model).
    universeAsOf: (config, window, models) => {
      const oldest = models.snapshots.map((s) => s.yearEnd).sort()[0];
      return universeAsOf(window, oldest ? firstWeekAfter(oldest) : window.start, config);
    },
    maxSymbols: (profile) => profile.maxAgentSymbols,
    snapshots: false,
    forecaster: forecaster.kind,
    promotion: pieces.promotion,
    responseMetrics: pieces.responseMetrics,
    // The forecaster's code makes the forecasts the agent reads.
    sources: [...new Set([...AGENT_SOURCES, ...forecaster.sources])],
    loadTrainer: pieces.loadTrainer,
    policy: pieces.policy,
  };
}
