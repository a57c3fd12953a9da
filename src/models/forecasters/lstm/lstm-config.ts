/** The LSTM's config per profile (in the version hash) and its validation. */
import { PROFILES, type ProfileName } from '../../../config/profiles.ts';
import { BASE_TRAINING, validateTrainingConfig, type ForecasterTrainingConfig } from '../shared/forecaster-config.ts';

export interface LstmConfig extends ForecasterTrainingConfig {
  hiddenUnits: number;
  layers: number;
  dropout: number;
}

const SEED_LSTM: LstmConfig = { ...BASE_TRAINING, hiddenUnits: 64, layers: 2, dropout: 0.2 };

export const LSTM_CONFIGS: Record<ProfileName, LstmConfig> = {
  smoke: { ...SEED_LSTM, hiddenUnits: 8, batchSize: 128, maxEpochs: 2, patience: 1, seedCount: PROFILES.smoke.seeds },
  // Sized for wasm on 2 cores: batch 256 is ~40% faster per sample than 128 there; 3 epochs keep a
  // run (5 seeds, 11 snapshots) near 4 minutes (README, Training speed).
  local: { ...SEED_LSTM, maxEpochs: 3, patience: 1, batchSize: 256, seedCount: PROFILES.local.seeds },
  full: { ...SEED_LSTM, seedCount: PROFILES.full.seeds },
};

export function validateLstmConfig(c: LstmConfig): LstmConfig {
  validateTrainingConfig(c, 'lstm');
  for (const key of ['hiddenUnits', 'layers'] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1) throw new Error(`lstm config ${key} must be a positive integer, got ${c[key]}`);
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new Error(`lstm config dropout must be in [0, 1), got ${c.dropout}`);
  return c;
}
