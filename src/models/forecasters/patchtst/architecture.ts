/**
 * PatchTST's shape parameters, the seed's figures, and the patch arithmetic shared by the layers,
 * the model and its tests.
 */

export interface PatchTstArchitecture {
  /** Days per patch. */
  patchLength: number;
  /** Days between the starts of consecutive patches; also how many copies of the last day pad the end. */
  stride: number;
  dModel: number;
  heads: number;
  encoderLayers: number;
  /** Width of each encoder layer's feed-forward hidden layer. */
  feedForward: number;
  /** Rate of every dropout in the backbone, in [0, 1). */
  dropout: number;
}

/** The seed's PatchTST: patch 8, stride 8, d_model 64, 4 heads, 4 layers, feed-forward 128, dropout 0.2. */
export const PATCHTST_SEED_ARCHITECTURE: Readonly<PatchTstArchitecture> = Object.freeze({
  patchLength: 8,
  stride: 8,
  dModel: 64,
  heads: 4,
  encoderLayers: 4,
  feedForward: 128,
  dropout: 0.2,
});

/**
 * Patches over `lookback` days once the end is padded with `stride` copies of the last day (the
 * original's padding_patch='end'): floor((L + stride − patchLen) / stride) + 1. 60 days, 8/8 → 8.
 */
export function patchCount(lookback: number, patchLen: number, stride: number): number {
  requirePositiveInt('lookback', lookback);
  requirePositiveInt('patchLength', patchLen);
  requirePositiveInt('stride', stride);
  if (patchLen > lookback + stride) throw new Error(`patchLength ${patchLen} exceeds the padded window (lookback ${lookback} + stride ${stride})`);
  return Math.floor((lookback + stride - patchLen) / stride) + 1;
}

/** Throws a message naming the first bad field; returns the architecture unchanged otherwise. */
export function validateArchitecture(arch: PatchTstArchitecture): PatchTstArchitecture {
  for (const key of ['patchLength', 'stride', 'dModel', 'heads', 'encoderLayers', 'feedForward'] as const) requirePositiveInt(key, arch[key]);
  if (arch.dModel % arch.heads !== 0) throw new Error(`dModel (${arch.dModel}) must be divisible by heads (${arch.heads})`);
  if (!(arch.dropout >= 0 && arch.dropout < 1)) throw new Error(`dropout must be in [0, 1), got ${arch.dropout}`);
  return arch;
}

export function requirePositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
}
