/**
 * A portfolio agent kind as the registry of kinds knows it (ppo_lstm, sac_patchtst, …): what every
 * agent declares alike (its history, its signals, its sources) around its algorithm's own pieces
 * (config, promotion rule, response metrics, trainer). Light: no TensorFlow.js here.
 */
import type { ModelKind } from '../../config/model-kinds.ts';
import type { ProfileName } from '../../config/profiles.ts';
import type { KindSpec, PromotionMetric } from '../kind-spec.ts';
import type { KindTrainer } from '../kind-trainer.ts';
import { AGENT_SOURCES, type AgentCommonConfig } from './agent-config.ts';

/** What an algorithm brings to its agent kinds' specs. */
export interface AgentKindPieces<C extends AgentCommonConfig> {
  config(profile: ProfileName, forecaster: C['forecaster']): C;
  promotion: PromotionMetric;
  responseMetrics: readonly string[];
  /** Loaded only where training happens (it brings TensorFlow.js). */
  loadTrainer(): Promise<KindTrainer>;
}

export function agentKindSpec<C extends AgentCommonConfig>(kind: ModelKind, forecaster: C['forecaster'], pieces: AgentKindPieces<C>): KindSpec<C> {
  return {
    kind,
    config: (profile) => pieces.config(profile, forecaster),
    lookbackDays: (config) => config.lookbackDays,
    // The panel reads news sentiment and statements: what they hold is part of the version.
    usesSignals: () => true,
    promotion: pieces.promotion,
    responseMetrics: pieces.responseMetrics,
    sources: [...AGENT_SOURCES, `models/forecasters/${forecaster}`],
    loadTrainer: pieces.loadTrainer,
  };
}
