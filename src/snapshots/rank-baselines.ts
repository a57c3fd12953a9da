/**
 * The rankings a quant would set a forecaster's rank IC against, built from prices alone:
 * - 12-1 momentum: the return from 252 to 21 trading days before the decision (the past year
 *   without its last month, Jegadeesh–Titman's 12-1), ranking last year's winners first;
 * - 1-week reversal: minus the return of the last trading week before the decision (Lehmann 1990),
 *   ranking last week's losers first.
 * The decision for a week is made before its first session opens, so both read only the bars dated
 * strictly before the week's first trading day (`weekStart`): a later bar cannot change them.
 */
import type { DailyBar } from '../ports/market-data.ts';
import { isoWeekMonday } from '../features/iso-week.ts';
import type { WalkForwardRow } from './walk-forward.ts';

export const RANK_BASELINES = ['momentum_12_1', 'reversal_1w'] as const;
export type RankBaselineName = (typeof RANK_BASELINES)[number];

/** A year and a month of trading days. */
export const MOMENTUM_LOOKBACK_DAYS = 252;
export const MOMENTUM_SKIP_DAYS = 21;

/** Index of the last bar dated before `date` (bars ascending); -1 when there is none. */
export function lastBarBefore(bars: readonly DailyBar[], date: string): number {
  let lo = 0;
  let hi = bars.length; // the answer + 1 lies in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bars[mid].date < date) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** close 21 trading days before the decision / close 252 trading days before − 1; null without a year of history. */
export function momentum12_1(bars: readonly DailyBar[], weekStart: string): number | null {
  const last = lastBarBefore(bars, weekStart);
  const from = last - MOMENTUM_LOOKBACK_DAYS;
  if (from < 0) return null;
  return bars[last - MOMENTUM_SKIP_DAYS].close / bars[from].close - 1;
}

/**
 * −(close-to-close return of the last trading week before the decision): its last close over the
 * close of the week before it. Null without two weeks of history.
 */
export function reversal1w(bars: readonly DailyBar[], weekStart: string): number | null {
  const last = lastBarBefore(bars, weekStart);
  if (last < 0) return null;
  const before = lastBarBefore(bars, isoWeekMonday(bars[last].date));
  if (before < 0) return null;
  return -(bars[last].close / bars[before].close - 1);
}

const SIGNALS: Record<RankBaselineName, (bars: readonly DailyBar[], weekStart: string) => number | null> = {
  momentum_12_1: momentum12_1,
  reversal_1w: reversal1w,
};

/**
 * The model's rows with the baseline's signal as the forecast (same symbols, weeks, snapshots and
 * outcomes, so the same rank IC scores both); a row whose symbol lacks the history is left out.
 */
export function baselineRows(name: RankBaselineName, rows: readonly WalkForwardRow[], bars: ReadonlyMap<string, readonly DailyBar[]>): WalkForwardRow[] {
  const out: WalkForwardRow[] = [];
  for (const row of rows) {
    const symbolBars = bars.get(row.symbol);
    const signal = symbolBars ? SIGNALS[name](symbolBars, row.weekStart) : null;
    if (signal !== null && Number.isFinite(signal)) out.push({ ...row, forecast: signal });
  }
  return out;
}
