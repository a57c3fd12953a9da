/**
 * The Diebold–Mariano test (1995) of equal forecast accuracy, with Harvey, Leybourne and Newbold's
 * (1997) small-sample correction and Student-t p-values. Input: one loss per week for each model,
 * each already averaged over the symbols of that week, so that symbols that move together are not
 * counted as independent observations. The variance of the mean differential is Newey–West's.
 */
import { studentTCdf } from './distributions.ts';
import { longRunVariance, mean, neweyWestLags } from './newey-west.ts';

export interface DieboldMarianoResult {
  /** Mean of challenger loss − incumbent loss: negative when the challenger is more accurate. */
  meanDifference: number;
  /** The HLN-corrected statistic; negative when the challenger is more accurate. */
  statistic: number;
  /** One-sided: the probability of a statistic this low if both were equally accurate. */
  pValue: number;
  weeks: number;
  lags: number;
}

/** Needs at least 3 weeks; a differential with no variance (identical losses) gives p = 0.5 or 0/1. */
export function dieboldMariano(challengerLoss: readonly number[], incumbentLoss: readonly number[], horizon = 1): DieboldMarianoResult {
  if (challengerLoss.length !== incumbentLoss.length) throw new Error(`Diebold–Mariano needs losses on the same weeks: ${challengerLoss.length} vs ${incumbentLoss.length}`);
  const weeks = challengerLoss.length;
  if (weeks < 3) throw new Error(`Diebold–Mariano needs at least 3 weeks, got ${weeks}`);
  const differential = challengerLoss.map((loss, t) => loss - incumbentLoss[t]!);
  const lags = Math.max(horizon - 1, neweyWestLags(weeks));
  const meanDifference = mean(differential);
  const variance = longRunVariance(differential, lags) / weeks;
  const raw = variance > 0 ? meanDifference / Math.sqrt(variance) : meanDifference === 0 ? 0 : Math.sign(meanDifference) * Infinity;
  const correction = Math.sqrt((weeks + 1 - 2 * horizon + (horizon * (horizon - 1)) / weeks) / weeks);
  const statistic = raw * correction;
  return { meanDifference, statistic, pValue: studentTCdf(statistic, weeks - 1), weeks, lags };
}
