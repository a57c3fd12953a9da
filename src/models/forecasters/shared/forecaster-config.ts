/**
 * What every forecaster's training shares (the split, early stopping, the seed); each kind adds its
 * architecture. All of it is part of the kind's config, so all of it is in the version hash.
 */
export interface ForecasterTrainingConfig {
  /** Trading days of history per sample. */
  lookbackDays: number;
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  /** Early stopping: epochs without a lower validation loss before training stops. */
  patience: number;
  /** Fractions of the target weeks (by date) for training and validation; the rest, after the gaps, is the test segment. */
  trainFraction: number;
  valFraction: number;
  /** Weeks left out between training and validation, and between validation and test (the purge gap). */
  gapWeeks: number;
  /** Train on targets standardised with the training targets' mean and std (predictions are un-scaled). */
  scaleTarget: boolean;
  seed: number;
  /** K members trained with seeds seed, seed + 1, … (absent in configs stored before issue 19: one). */
  seedCount: number;
  /** What is stored: the members' mean prediction, or the member with the lowest validation loss. */
  combineSeeds: 'mean' | 'best_val';
}

export const MAX_SEED_COUNT = 32;

/** The seed's training settings; a kind's profiles override what they must. */
export const BASE_TRAINING: ForecasterTrainingConfig = {
  lookbackDays: 60,
  learningRate: 1e-3,
  batchSize: 64,
  maxEpochs: 50,
  patience: 5,
  trainFraction: 0.7,
  valFraction: 0.15,
  gapWeeks: 1,
  scaleTarget: false,
  seed: 42,
  seedCount: 1,
  combineSeeds: 'mean',
};

/** Throws naming the first bad field: a config that reaches training is always usable. */
export function validateTrainingConfig(c: ForecasterTrainingConfig, label: string): void {
  for (const key of ['lookbackDays', 'batchSize', 'maxEpochs', 'patience'] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1) throw new Error(`${label} config ${key} must be a positive integer, got ${c[key]}`);
  }
  if (!(c.learningRate > 0)) throw new Error(`${label} config learningRate must be > 0, got ${c.learningRate}`);
  if (!(c.trainFraction > 0 && c.valFraction > 0 && c.trainFraction + c.valFraction < 1)) {
    throw new Error(`${label} config needs trainFraction > 0, valFraction > 0 and their sum < 1 (the rest is the test segment), got ${c.trainFraction} and ${c.valFraction}`);
  }
  if (!Number.isInteger(c.gapWeeks) || c.gapWeeks < 1) throw new Error(`${label} config gapWeeks must be an integer ≥ 1 (the one-week target horizon), got ${c.gapWeeks}`);
  if (typeof c.scaleTarget !== 'boolean') throw new Error(`${label} config scaleTarget must be true or false`);
  if (!Number.isInteger(c.seed)) throw new Error(`${label} config seed must be an integer, got ${c.seed}`);
  if (!Number.isInteger(c.seedCount) || c.seedCount < 1 || c.seedCount > MAX_SEED_COUNT) throw new Error(`${label} config seedCount must be an integer in 1..${MAX_SEED_COUNT}, got ${c.seedCount}`);
  if (c.combineSeeds !== 'mean' && c.combineSeeds !== 'best_val') throw new Error(`${label} config combineSeeds must be 'mean' or 'best_val', got ${String(c.combineSeeds)}`);
}
