import type { tf } from '../../../ml/backend.ts';
import type { StandardScaler } from '../../../ml/scaler.ts';
import type { ForecasterTrainingConfig } from './forecaster-config.ts';
import type { SplitSummary } from './date-split.ts';

export type { SplitSummary } from './date-split.ts';

/** How scaled predictions map back to weekly returns (identity when the target is not scaled). */
export interface TargetScale {
  mean: number;
  std: number;
}

/** What predicting needs: the network, the scaler fit on its training rows, its config and target scale. */
export interface LoadedForecaster {
  /** One network, or a seed ensemble as one model predicting its members' mean (seed-ensemble.ts). */
  model: tf.LayersModel;
  scaler: StandardScaler;
  config: ForecasterTrainingConfig;
  target: TargetScale;
}

/**
 * MSE of the weekly-return predictions. The seed's three (train, validation, and the zero
 * baseline on validation), then the mean-target baseline on validation and all three on the
 * test weeks, which are touched once, after training.
 */
export interface ForecasterMetrics {
  train_loss: number;
  val_loss: number;
  baseline_loss: number;
  mean_baseline_loss: number;
  test_loss: number;
  test_baseline_loss: number;
  test_mean_baseline_loss: number;
}

export interface EpochReport {
  epoch: number;
  maxEpochs: number;
  /** Mean training-mode (dropout on) batch loss over the epoch, in the model's (scaled) target units. */
  trainLoss: number;
  /** Validation MSE of the weekly returns in eval mode after the epoch. */
  valLoss: number;
  /** Whether this epoch is the best so far (its weights are the ones kept). */
  improved: boolean;
  seconds: number;
  /** Upper bound: mean epoch time × epochs left before maxEpochs (0 when stopping). */
  etaSeconds: number;
}

/** One seed's network as trained: its seed, epochs, best epoch and its own metrics. */
export interface MemberReport {
  seed: number;
  metrics: ForecasterMetrics;
  history: EpochReport[];
  bestEpoch: number;
}

export interface TrainedForecaster extends LoadedForecaster {
  /** The stored model's: the ensemble's (or the chosen member's). */
  metrics: ForecasterMetrics;
  /** The training targets' mean: the mean baseline's forecast. */
  trainMean: number;
  split: SplitSummary;
  /** The first member's epochs (or the chosen member's); every member's are in `members`. */
  history: EpochReport[];
  /** 1-based epoch whose weights that member holds. */
  bestEpoch: number;
  /** Every seed's network, in seed order (one for a single model). */
  members: MemberReport[];
}
