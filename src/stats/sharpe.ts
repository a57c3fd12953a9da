/**
 * Sharpe ratios with their uncertainty, for weekly portfolio returns: the interval of one Sharpe
 * ratio (Lo 2002, iid returns: se² = (1 + SR²/2) / T on the weekly ratio), and the test of the
 * difference of two on the same weeks (Jobson–Korkie 1981 with Memmel's 2003 correction). Annualised
 * by √52, as the agents' metrics are.
 */
import { normalCdf, normalQuantile } from './distributions.ts';
import { mean } from './newey-west.ts';

const WEEKS_PER_YEAR = 52;

export interface SharpeInterval {
  sharpe: number;
  low: number;
  high: number;
  level: number;
}

export interface SharpeDifference {
  /** Annualised Sharpe of the challenger minus the incumbent's. */
  difference: number;
  statistic: number;
  /** One-sided: the probability of a difference this high if the challenger's Sharpe exceeded the incumbent's by only `margin`. */
  pValue: number;
  /** The annualised margin tested against (0: equal Sharpe ratios). */
  margin: number;
  weeks: number;
}

function moments(values: readonly number[]): { mean: number; sd: number } {
  const m = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - m) ** 2;
  return { mean: m, sd: Math.sqrt(sum / (values.length - 1)) };
}

/** The weekly Sharpe ratio (mean over sample standard deviation; no risk-free rate). */
function weeklySharpe(returns: readonly number[]): number {
  const { mean: m, sd } = moments(returns);
  return sd > 0 ? m / sd : 0;
}

export function sharpeInterval(returns: readonly number[], level = 0.9): SharpeInterval {
  if (returns.length < 3) throw new Error(`a Sharpe interval needs at least 3 weeks, got ${returns.length}`);
  const sr = weeklySharpe(returns);
  const se = Math.sqrt((1 + (sr * sr) / 2) / returns.length);
  const z = normalQuantile(0.5 + level / 2);
  const scale = Math.sqrt(WEEKS_PER_YEAR);
  return { sharpe: sr * scale, low: (sr - z * se) * scale, high: (sr + z * se) * scale, level };
}

/** `margin` (annualised, ≥ 0) turns the test into one of superiority by at least that much: H0 is SR_a − SR_b ≤ margin. */
export function sharpeDifference(challenger: readonly number[], incumbent: readonly number[], margin = 0): SharpeDifference {
  if (challenger.length !== incumbent.length) throw new Error(`a Sharpe difference needs returns on the same weeks: ${challenger.length} vs ${incumbent.length}`);
  const weeks = challenger.length;
  if (weeks < 3) throw new Error(`a Sharpe difference needs at least 3 weeks, got ${weeks}`);
  const a = moments(challenger);
  const b = moments(incumbent);
  let covariance = 0;
  for (let t = 0; t < weeks; t++) covariance += (challenger[t]! - a.mean) * (incumbent[t]! - b.mean);
  covariance /= weeks - 1;
  const srA = a.sd > 0 ? a.mean / a.sd : 0;
  const srB = b.sd > 0 ? b.mean / b.sd : 0;
  const rho = a.sd > 0 && b.sd > 0 ? covariance / (a.sd * b.sd) : 0;
  // Memmel (2003): Var(SR_a − SR_b) = [2 − 2ρ + ½(SR_a² + SR_b² − 2 SR_a SR_b ρ²)] / T
  const variance = (2 - 2 * rho + 0.5 * (srA * srA + srB * srB - 2 * srA * srB * rho * rho)) / weeks;
  const difference = srA - srB;
  const excess = difference - margin / Math.sqrt(WEEKS_PER_YEAR);
  const statistic = variance > 0 ? excess / Math.sqrt(variance) : excess === 0 ? 0 : Math.sign(excess) * Infinity;
  return { difference: difference * Math.sqrt(WEEKS_PER_YEAR), statistic, pValue: 1 - normalCdf(statistic), margin, weeks };
}
