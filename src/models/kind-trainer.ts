/** The heavy half of a kind (TensorFlow.js): what the trainer job runs, and what orchestration asks of a forecaster. */
import type { WeeklySample } from '../features/weekly-dataset.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { DateRange, MarketData } from '../ports/market-data.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import type { SignalProvider } from '../ports/signals.ts';
import type { Comparison } from './comparison.ts';
import type { ForecasterData, ForecastReader } from './forecasts.ts';
import type { EpochReport, ForecasterMetrics } from './forecasters/shared/forecaster-types.ts';
import type { TrainingPlan } from './training-plan.ts';

export interface TrainerDeps {
  store: ArtifactStore;
  registry: ModelRegistry;
  marketData: MarketData;
  /** News sentiment and statements (PatchTST, the agents); the bundled files when absent. */
  signals?: SignalProvider;
  /** Kinds that read a forecaster (agents): its walk-forward forecasts, assembled by orchestration. */
  forecasts: ForecastReader;
  log: (line: string) => void;
  /** The TensorFlow.js backend in use, for metadata. */
  backend: string;
}

export interface TrainOutcome {
  metrics: Record<string, number>;
  /** The challenger against the current model on the same weeks; null for the first model. */
  comparison: Comparison | null;
}

/** A forecaster trained on samples handed in, as the files it is stored as. */
export interface FittedForecaster {
  files: Record<string, Uint8Array>;
  metrics: ForecasterMetrics;
  /** 1-based epoch whose weights the files hold. */
  bestEpoch: number;
}

/**
 * What a forecaster kind does for orchestration (a snapshot's training, walk-forward forecasts):
 * pure training and inference on data handed in. Which data (a cutoff's view, the universe of a
 * year end), where the files go and which snapshot forecasts which week is orchestration's.
 */
export interface ForecasterSeam {
  /** One sample per symbol and target week of `window`, with the dataset of `config` (features read only data before their week). */
  samples(config: Record<string, unknown>, symbols: readonly string[], window: DateRange, data: ForecasterData): Promise<WeeklySample[]>;
  /** A model of `config` trained on `samples` (split by date, early stopping on the validation weeks). */
  fit(samples: readonly WeeklySample[], config: Record<string, unknown>, onEpoch?: (report: EpochReport) => void): Promise<FittedForecaster>;
  /** The weekly-return forecasts of the model stored as `files`, one per sample, in order. */
  predict(files: Readonly<Record<string, Uint8Array>>, samples: readonly WeeklySample[]): Promise<Float32Array>;
}

export interface KindTrainer {
  /** Trains the plan's model, compares it with the current one, and commits its files (metadata.json last). */
  train(plan: TrainingPlan, deps: TrainerDeps): Promise<TrainOutcome>;
  /** Kinds with snapshots (forecasters): their dataset, training and inference, for snapshots and walk-forward forecasts. */
  forecaster?: ForecasterSeam;
}
