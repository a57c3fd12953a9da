/** PatchTST's config per profile (in the version hash) and its validation. */
import { PROFILES, type ProfileName } from '../../../config/profiles.ts';
import { BASE_TRAINING, validateTrainingConfig, type ForecasterTrainingConfig } from '../shared/forecaster-config.ts';
import { PATCHTST_SEED_ARCHITECTURE, validateArchitecture, type PatchTstArchitecture } from './architecture.ts';

export interface PatchTstConfig extends ForecasterTrainingConfig, PatchTstArchitecture {
  /** The 6 signal channels (news sentiment, 5 fundamental ratios) beside the 5 price channels. */
  signals: boolean;
}

// DESIGN, measured on a PyTorch twin: the head cannot emit ~0.03-sized returns from unit-scale
// features (1.16-2.4x worse than predicting zero); scaling the target fixes that.
const SEED_PATCHTST: PatchTstConfig = { ...BASE_TRAINING, ...PATCHTST_SEED_ARCHITECTURE, scaleTarget: true, signals: true };

export const PATCHTST_CONFIGS: Record<ProfileName, PatchTstConfig> = {
  smoke: { ...SEED_PATCHTST, dModel: 16, heads: 2, encoderLayers: 1, feedForward: 32, batchSize: 128, maxEpochs: 2, patience: 1, seedCount: PROFILES.smoke.seeds },
  // Sized for a 2-core machine without a GPU (wasm), measured: with the fused encoder kernel
  // (encoder-block.ts) the seed's architecture costs ~1.2 CPU-seconds per 256-sample step on 60 × 11
  // inputs (~210 samples per CPU-second; bench/patchtst-speed.ts, peak RSS 0.6 GB at batch 256),
  // d_model 32, feed-forward 64 and 2 encoder layers ~4× less (~860), and a run trains its seeds and
  // 11 snapshots: at the seed's size it would not fit a few minutes. (Before the kernel: ~130
  // samples/s, and batch 256 grew the process to ~3 GB.) The `full` profile keeps the seed's figures.
  local: { ...SEED_PATCHTST, dModel: 32, feedForward: 64, encoderLayers: 2, batchSize: 128, maxEpochs: 3, patience: 1, seedCount: PROFILES.local.seeds },
  full: { ...SEED_PATCHTST, seedCount: PROFILES.full.seeds },
};

export function validatePatchTstConfig(c: PatchTstConfig): PatchTstConfig {
  validateTrainingConfig(c, 'patchtst');
  validateArchitecture(c);
  if (typeof c.signals !== 'boolean') throw new Error('patchtst config signals must be true or false');
  return c;
}
