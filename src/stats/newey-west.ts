/**
 * The long-run variance of a weekly series (Newey–West 1987, Bartlett weights): the variance of its
 * mean is this over T. Weekly loss differentials and returns are autocorrelated (overlapping
 * signals, volatility clustering), so the plain variance would overstate how sure a test is.
 */

/** Newey–West's automatic bandwidth for Bartlett weights: floor(4 (T/100)^(2/9)). */
export function neweyWestLags(length: number): number {
  return Math.floor(4 * Math.pow(length / 100, 2 / 9));
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** γ0 + 2 Σ_{k=1..lags} (1 − k/(lags+1)) γk, with autocovariances γk divided by T (not T − k). */
export function longRunVariance(values: readonly number[], lags = neweyWestLags(values.length)): number {
  const n = values.length;
  const m = mean(values);
  const autocovariance = (k: number) => {
    let sum = 0;
    for (let t = k; t < n; t++) sum += (values[t]! - m) * (values[t - k]! - m);
    return sum / n;
  };
  let variance = autocovariance(0);
  for (let k = 1; k <= Math.min(lags, n - 1); k++) variance += 2 * (1 - k / (lags + 1)) * autocovariance(k);
  return variance;
}
