import type { KindSpec } from '../../kind-spec.ts';
import { LSTM_CONFIGS, validateLstmConfig, type LstmConfig } from './lstm-config.ts';

/** The LSTM weekly-return forecaster, as the registry of kinds knows it. */
export const lstmSpec: KindSpec<LstmConfig> = {
  kind: 'lstm',
  config: (profile) => validateLstmConfig({ ...LSTM_CONFIGS[profile] }),
  lookbackDays: (config) => config.lookbackDays,
  promotion: { name: 'test_loss', better: 'lower' },
  responseMetrics: ['train_loss', 'val_loss', 'baseline_loss'],
  sources: ['models/forecasters/lstm', 'models/forecasters/shared', 'features', 'ml', 'data', 'snapshots/train-snapshot.ts'],
  loadTrainer: async () => (await import('./lstm-module.ts')).lstmTrainer,
};
