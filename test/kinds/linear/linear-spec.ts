/**
 * A test-only forecaster kind, `linear`: one dense layer over the flattened 20-day window of the
 * five price channels. It lives here, not under src/, and joins the registry only where a test (or
 * a process a test starts) calls registerLinearKinds (register.ts): proof that a forecaster kind
 * is its folder and one registry line, nothing else.
 */
import type { ProfileName } from '../../../src/config/profiles.ts';
import type { KindSpec } from '../../../src/models/kind-spec.ts';
import { BASE_TRAINING, validateTrainingConfig, type ForecasterTrainingConfig } from '../../../src/models/forecasters/shared/forecaster-config.ts';
import { FORECASTER_TRAITS } from '../../../src/models/forecasters/shared/forecaster-spec.ts';

/** Seconds on every profile: a kind for tests. */
const LINEAR_CONFIG: ForecasterTrainingConfig = { ...BASE_TRAINING, lookbackDays: 20, batchSize: 128, maxEpochs: 2, patience: 1 };

export const linearSpec: KindSpec<ForecasterTrainingConfig> = {
  kind: 'linear',
  config: (_profile: ProfileName) => {
    const config = { ...LINEAR_CONFIG };
    validateTrainingConfig(config, 'linear');
    return config;
  },
  lookbackDays: (config) => config.lookbackDays,
  ...FORECASTER_TRAITS,
  // Paths under src/: this folder, and the shared code it trains with.
  sources: ['../test/kinds/linear', 'models/forecasters/shared', 'features', 'ml', 'data', 'snapshots/train-snapshot.ts'],
  loadTrainer: async () => (await import('./linear-module.ts')).linearTrainer,
};
