import type { ForecasterConfig } from '../../../config/profiles.ts';
import type { tf } from '../../../ml/backend.ts';
import type { StandardScaler } from '../../../ml/scaler.ts';

/** What predicting needs: the network, the scaler fit on its training rows, and its config. */
export interface LoadedForecaster {
  model: tf.LayersModel;
  scaler: StandardScaler;
  config: ForecasterConfig;
}

/** The seed's metric names: MSE of the weekly-return predictions; baseline = predicting 0 on validation. */
export interface ForecasterMetrics {
  train_loss: number;
  val_loss: number;
  baseline_loss: number;
}

export interface SplitSummary {
  trainWeeks: number;
  valWeeks: number;
  /** Monday (ISO week key) of the last training target week. */
  trainLastWeek: string;
  /** Monday (ISO week key) of the first validation target week. */
  valFirstWeek: string;
  gapWeeks: number;
  nTrain: number;
  nVal: number;
}

export interface EpochReport {
  epoch: number;
  maxEpochs: number;
  /** Mean training-mode (dropout on) batch loss over the epoch. */
  trainLoss: number;
  /** Validation MSE in eval mode after the epoch. */
  valLoss: number;
  /** Whether this epoch is the best so far (its weights are the ones kept). */
  improved: boolean;
  seconds: number;
  /** Upper bound: mean epoch time × epochs left before maxEpochs (0 when stopping). */
  etaSeconds: number;
}

export interface TrainedForecaster extends LoadedForecaster {
  metrics: ForecasterMetrics;
  split: SplitSummary;
  history: EpochReport[];
  /** 1-based epoch whose weights the model holds. */
  bestEpoch: number;
}
