/** The heavy half of a kind (TensorFlow.js): what the trainer job runs. */
import type { MarketData } from '../ports/market-data.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import type { SignalProvider } from '../ports/signals.ts';
import type { UniverseProvider } from '../ports/universe.ts';
import type { TrainingPlan } from '../pipeline/plan.ts';
import type { SnapshotOutcome } from '../snapshots/snapshot-outcomes.ts';
import type { Comparison } from './comparison.ts';
import type { ForecasterModule } from './forecasters/shared/forecaster-module.ts';

export interface TrainerDeps {
  store: ArtifactStore;
  registry: ModelRegistry;
  marketData: MarketData;
  universe: UniverseProvider;
  /** News sentiment and statements (PatchTST, the agents); the bundled files when absent. */
  signals?: SignalProvider;
  log: (line: string) => void;
  /** The TensorFlow.js backend in use, for metadata. */
  backend: string;
}

export interface TrainOutcome {
  metrics: Record<string, number>;
  /** The challenger against the current model on the same weeks; null for the first model. */
  comparison: Comparison | null;
}

export interface KindTrainer {
  /** Trains the plan's model, compares it with the current one, and commits its files (metadata.json last). */
  train(plan: TrainingPlan, deps: TrainerDeps): Promise<TrainOutcome>;
  /** Forecasters: the model trained only on data up to `yearEnd`, for walk-forward forecasts. */
  trainSnapshot?(plan: TrainingPlan, yearEnd: string, deps: TrainerDeps): Promise<SnapshotOutcome>;
  /** Forecasters: the dataset and network of the kind (walk-forward forecasts use it). */
  forecaster?: ForecasterModule;
}
