/**
 * Portfolio metrics on weekly paths (env/evaluate-policy.ts). Risk-free rate 0; 52 weeks a year.
 */
import { weeksSkipped } from './env/weekly-panel.ts';

const WEEKS_PER_YEAR = 52;

/**
 * Annualised Sharpe ratio: mean / sample standard deviation (n − 1) × √52. 0 when it is undefined:
 * fewer than two returns, or a standard deviation of 0 (a flat path has no risk to reward).
 */
export function sharpe(weeklyReturns: ArrayLike<number>): number {
  const n = weeklyReturns.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += weeklyReturns[i];
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (weeklyReturns[i] - mean) ** 2;
  const std = Math.sqrt(squares / (n - 1));
  // Relative test: returns that are equal up to rounding have a std of ~1e-18, not 0.
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) return 0;
  return (mean / std) * Math.sqrt(WEEKS_PER_YEAR);
}

/** Compound annual growth rate of an equity curve from 1 over `weeks` weeks: final^(52/weeks) − 1 (0 for no weeks). */
export function cagr(equity: ArrayLike<number>, weeks: number = equity.length): number {
  if (weeks <= 0 || equity.length === 0) return 0;
  return equity[equity.length - 1] ** (WEEKS_PER_YEAR / weeks) - 1;
}

/** The fall from the running peak after each week, as a positive fraction (0.25 = −25 %); the initial capital 1 counts as a peak. */
export function drawdowns(equity: ArrayLike<number>): number[] {
  let peak = 1;
  return Array.from(equity, (value) => {
    peak = Math.max(peak, value);
    return (peak - value) / peak;
  });
}

/** The largest of the drawdowns (0 for none). */
export function maxDrawdown(equity: ArrayLike<number>): number {
  let worst = 0;
  for (const drawdown of drawdowns(equity)) worst = Math.max(worst, drawdown);
  return worst;
}

/** Sharpe of one training episode from its per-step rewards, which are log returns: r = e^reward − 1. */
export function episodeSharpe(logRewards: ArrayLike<number>): number {
  return sharpe(Array.from(logRewards, Math.expm1));
}

/**
 * A path's `${prefix}_sharpe`, `${prefix}_cagr` and `${prefix}_max_drawdown` (e.g. eval_…, benchmark_…).
 * The CAGR spans the calendar weeks of the path's Mondays: a row held through weeks the panel left
 * out (build-panel.ts) grew the equity over all of them.
 */
export function pathMetrics(prefix: string, path: { weeklyReturns: ArrayLike<number>; equity: ArrayLike<number>; weeks?: readonly string[] }): Record<string, number> {
  const rows = path.equity.length;
  const weeks = path.weeks && path.weeks.length === rows ? rows + weeksSkipped({ weeks: path.weeks }, { fromWeek: 0, toWeek: rows }) : rows;
  return {
    [`${prefix}_sharpe`]: sharpe(path.weeklyReturns),
    [`${prefix}_cagr`]: cagr(path.equity, weeks),
    [`${prefix}_max_drawdown`]: maxDrawdown(path.equity),
  };
}
