/** The part of metadata.json every kind writes: what the version was made from. */
import type { TrainingPlan } from '../training-plan.ts';

export function planMetadata(plan: TrainingPlan, backend: string): Record<string, unknown> {
  const seed = (plan.config as { seed?: unknown }).seed;
  return {
    kind: plan.kind,
    version: plan.version,
    mode: plan.mode,
    profile: plan.profile,
    window: plan.window,
    symbols: plan.symbols,
    config: plan.config,
    seed: typeof seed === 'number' ? seed : null,
    source: plan.source,
    data_fingerprint: plan.dataFingerprint,
    // Agents: the forecaster snapshots (or final model) the version was planned on.
    ...(plan.forecasterModels ? { forecaster_models: plan.forecasterModels } : {}),
    code_version: plan.codeVersion,
    backend,
  };
}
