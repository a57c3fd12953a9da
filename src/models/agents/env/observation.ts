import type { WeeklyPanel } from './weekly-panel.ts';

/** obsDim = S·F features of the week, then the S+1 weights held coming into it (stocks, then cash). */
export function observationSize(panel: WeeklyPanel): number {
  const S = panel.symbols.length;
  return S * panel.featureNames.length + S + 1;
}

/** Writes week `week`'s observation with the held `weights` into `out` at `offset`. */
export function writeObservation(panel: WeeklyPanel, week: number, weights: ArrayLike<number>, out: Float32Array, offset = 0): void {
  const width = panel.symbols.length * panel.featureNames.length;
  out.set(panel.features.subarray(week * width, (week + 1) * width), offset);
  for (let i = 0; i < weights.length; i++) out[offset + width + i] = weights[i];
}
