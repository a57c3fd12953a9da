import type { DailyBar, DateRange, MarketData } from '../ports/market-data.ts';

/**
 * A view of `source` that cannot see past `cutoff`: every request is clipped to end on or before
 * it. A snapshot reads its prices only through this, so data after its year end cannot reach it
 * whatever the feature code asks for.
 */
export function marketDataUpTo(source: MarketData, cutoff: string): MarketData {
  return {
    source: source.source,
    async dailyBars(symbol: string, range: DateRange): Promise<DailyBar[]> {
      const end = range.end < cutoff ? range.end : cutoff;
      if (range.start > end) return [];
      const bars = await source.dailyBars(symbol, { start: range.start, end });
      return bars.filter((bar) => bar.date <= cutoff);
    },
    async lastDate(): Promise<string> {
      const last = await source.lastDate();
      return last < cutoff ? last : cutoff;
    },
  };
}
