import type { KindSpec } from '../../kind-spec.ts';
import { FORECASTER_TRAITS } from '../shared/forecaster-spec.ts';
import { LSTM_CONFIGS, validateLstmConfig, type LstmConfig } from './lstm-config.ts';

/** The LSTM weekly-return forecaster, as the registry of kinds knows it. */
export const lstmSpec: KindSpec<LstmConfig> = {
  kind: 'lstm',
  config: (profile) => validateLstmConfig({ ...LSTM_CONFIGS[profile] }),
  lookbackDays: (config) => config.lookbackDays,
  ...FORECASTER_TRAITS,
  sources: ['models/forecasters/lstm', 'models/forecasters/shared', 'features', 'ml', 'data', 'snapshots/train-snapshot.ts'],
  loadTrainer: async () => (await import('./lstm-module.ts')).lstmTrainer,
};
