/**
 * The two forecasts every forecaster must beat on the same weeks: always a zero return (the seed's
 * `baseline_loss`) and always the mean training target (`mean_baseline_loss`). Weekly returns are
 * close to unpredictable: on the bundled data the mean forecast beats zero by ~1 %, more than a
 * model usually gains, so a model is only worth something if it beats both.
 */
import { meanSquaredError } from './forecaster-inference.ts';

export function zeroBaselineLoss(targets: ArrayLike<number>): number {
  return meanSquaredError(new Float64Array(targets.length), targets);
}

export function meanBaselineLoss(targets: ArrayLike<number>, trainMean: number): number {
  return meanSquaredError(new Float64Array(targets.length).fill(trainMean), targets);
}

export function meanOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Which baselines a loss beats, in words a user reads in `mizan models` and the README. */
export function beatsBaselines(loss: number, zero: number, mean: number): string {
  const pct = (base: number) => `${(((loss - base) / base) * 100).toFixed(2)} %`;
  const verdict = (name: string, base: number) => `${loss < base ? 'beats' : 'does not beat'} ${name} (${pct(base)})`;
  return `${verdict('zero', zero)}, ${verdict('mean', mean)}`;
}
