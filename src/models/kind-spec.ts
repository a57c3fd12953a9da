/**
 * What a model kind declares to the rest of mizan, so that the pipeline asks the kind instead of
 * branching on forecaster-or-agent: its config per profile, how much history it reads, the modes it
 * trains in and the symbols it takes, whether it has snapshots, which forecaster it reads, its
 * fine-tune window, its promotion metric, its training sources (hashed into the code version) and,
 * loaded only where they run, its trainer and its policy. Light on purpose: no TensorFlow.js here,
 * so the API Lambda can plan a run without loading a model library.
 */
import type { ForecasterKind, ModelKind, TrainMode } from '../config/model-kinds.ts';
import type { Profile, ProfileName } from '../config/profiles.ts';
import type { PortfolioAgent } from './agents/agent-algorithm.ts';
import type { KindTrainer } from './kind-trainer.ts';
import type { DateRange } from '../ports/market-data.ts';
import type { ForecasterModels } from './training-plan.ts';

export interface PromotionMetric {
  /** The metric compared on the same weeks (forecasters: the MSE on the challenger's test weeks). */
  name: string;
  better: 'lower' | 'higher';
}

/** Builds a kind's policy from a version's files; its act() is the deterministic action the evaluation uses. */
export type PolicyLoader = (files: Readonly<Record<string, Uint8Array>>) => PortfolioAgent;

export interface KindSpec<C extends object = object> {
  kind: ModelKind;
  /** The validated config for a profile: all of it is part of the version. */
  config(profile: ProfileName): C;
  /** Trading days of history a sample reads before its first target week. */
  lookbackDays(config: C): number;
  /** Whether a run with this config reads news sentiment and statements (then their fingerprint is in the version). */
  usesSignals?(config: C): boolean;
  /** The modes a request may ask for, the default first: `full` (from scratch), and `finetune` (from the current model) for kinds that have it. */
  modes: readonly TrainMode[];
  /** A fine-tune's window, in weeks before the data's end (kinds with the `finetune` mode). */
  finetuneWindowWeeks?(config: C): number;
  /**
   * Agents, full mode: the date to rank the universe at (point in time: the last training week),
   * from the window and the forecaster models the panel reads; the plan puts it in the config.
   * Kinds without it are ranked at the window's end.
   */
  universeAsOf?(config: C, window: DateRange, forecasterModels: ForecasterModels): string;
  /** How many of the ranked halal universe's symbols a run takes under a profile. */
  maxSymbols(profile: Profile): number;
  /** Whether a run backfills the yearly snapshots that walk-forward forecasts are made with. */
  snapshots: boolean;
  /** The forecaster whose walk-forward forecasts the kind reads (agents); its models are part of the version. */
  forecaster?: ForecasterKind;
  promotion: PromotionMetric;
  /** The seed response's metric names for this kind (more may follow them). */
  responseMetrics: readonly string[];
  /** Files and folders under src/ whose content is this kind's trainer code version. */
  sources: readonly string[];
  loadTrainer(): Promise<KindTrainer>;
  /** Kinds that allocate a portfolio (`mizan allocate`): the algorithm's name, and its policy, loaded where it runs (it brings TensorFlow.js). */
  policy?: { algorithm: string; load(): Promise<PolicyLoader> };
}
