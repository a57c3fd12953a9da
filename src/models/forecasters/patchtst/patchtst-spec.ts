import type { KindSpec } from '../../kind-spec.ts';
import { FORECASTER_TRAITS } from '../shared/forecaster-spec.ts';
import { PATCHTST_CONFIGS, validatePatchTstConfig, type PatchTstConfig } from './patchtst-config.ts';

/** The PatchTST weekly-return forecaster (11 channels), as the registry of kinds knows it. */
export const patchtstSpec: KindSpec<PatchTstConfig> = {
  kind: 'patchtst',
  config: (profile) => validatePatchTstConfig({ ...PATCHTST_CONFIGS[profile] }),
  lookbackDays: (config) => config.lookbackDays,
  ...FORECASTER_TRAITS,
  usesSignals: (config) => config.signals,
  sources: ['models/forecasters/patchtst', 'models/forecasters/shared', 'features', 'ml', 'data', 'snapshots/train-snapshot.ts'],
  loadTrainer: async () => (await import('./patchtst-module.ts')).patchtstTrainer,
};
