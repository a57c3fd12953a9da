/**
 * What a model kind declares to the rest of mizan: its config per profile, how much history it
 * reads, its promotion metric, its training sources (hashed into the code version) and, loaded
 * only where training happens, its trainer. Light on purpose: no TensorFlow.js here, so the API
 * Lambda can plan a run without loading a model library.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import type { ProfileName } from '../config/profiles.ts';
import type { KindTrainer } from './kind-trainer.ts';

export interface PromotionMetric {
  /** The metric compared on the same weeks (forecasters: the MSE on the challenger's test weeks). */
  name: string;
  better: 'lower' | 'higher';
}

export interface KindSpec<C extends object = object> {
  kind: ModelKind;
  /** The validated config for a profile: all of it is part of the version. */
  config(profile: ProfileName): C;
  /** Trading days of history a sample reads before its first target week. */
  lookbackDays(config: C): number;
  promotion: PromotionMetric;
  /** The seed response's metric names for this kind (more may follow them). */
  responseMetrics: readonly string[];
  /** Whether a run with this config reads news sentiment and statements (then their fingerprint is in the version). */
  usesSignals?(config: C): boolean;
  /** Files and folders under src/ whose content is this kind's trainer code version. */
  sources: readonly string[];
  loadTrainer(): Promise<KindTrainer>;
}
