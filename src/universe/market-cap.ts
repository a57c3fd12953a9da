import type { DailyBar } from '../ports/market-data.ts';
import { lowerBound } from '../data/daily-bars-csv.ts';
import type { AnnualStatement, MarketCapSnapshot } from './fundamentals.ts';

/** The last close on or before `date` (adjusted, like all mizan prices), or undefined. */
export type CloseOnOrBefore = (symbol: string, date: string) => { date: string; close: number } | undefined;

export type MarketCapMethod = 'snapshot' | 'snapshot rolled forward by price' | 'shares x close';

export interface MarketCapEstimate {
  marketCapUsd: number;
  method: MarketCapMethod;
  /** The snapshot or statement it was derived from. */
  basisDate: string;
}

/** A CloseOnOrBefore over loaded bars (each series ascending). */
export function closeLookupFromBars(barsBySymbol: ReadonlyMap<string, readonly DailyBar[]>): CloseOnOrBefore {
  return (symbol, date) => {
    const bars = barsBySymbol.get(symbol);
    if (!bars) return undefined;
    const index = lowerBound(bars, `${date}\u0000`) - 1; // last bar dated <= date
    return index >= 0 ? { date: bars[index].date, close: bars[index].close } : undefined;
  };
}

/**
 * The market cap of `symbol` at `asOf` using nothing published after it:
 * 1. the latest snapshot on/before `asOf`, moved to `asOf` by the ratio of adjusted closes
 *    (split-proof; assumes the share count is unchanged since the snapshot, and overstates by
 *    the dividends paid since, a few percent a year at most), or the bare snapshot without prices;
 * 2. else shares outstanding of the latest available statement × the close at `asOf`;
 * 3. else undefined.
 */
export function marketCapAsOf(
  symbol: string,
  asOf: string,
  snapshots: readonly MarketCapSnapshot[],
  statement: AnnualStatement | undefined,
  closeOnOrBefore: CloseOnOrBefore | undefined,
): MarketCapEstimate | undefined {
  const snapshot = snapshots
    .filter((s) => s.symbol === symbol && s.date <= asOf)
    .reduce<MarketCapSnapshot | undefined>((best, s) => (best === undefined || s.date > best.date ? s : best), undefined);
  const closeNow = closeOnOrBefore?.(symbol, asOf);
  if (snapshot) {
    const closeThen = closeOnOrBefore?.(symbol, snapshot.date);
    if (closeNow && closeThen) {
      return {
        marketCapUsd: (snapshot.marketCapUsd * closeNow.close) / closeThen.close,
        method: 'snapshot rolled forward by price',
        basisDate: snapshot.date,
      };
    }
    return { marketCapUsd: snapshot.marketCapUsd, method: 'snapshot', basisDate: snapshot.date };
  }
  if (statement?.sharesOutstanding && closeNow) {
    return { marketCapUsd: statement.sharesOutstanding * closeNow.close, method: 'shares x close', basisDate: statement.periodEnd };
  }
  return undefined;
}
