import type { DailyBar, DateRange, MarketData } from '../ports/market-data.ts';

/** The bars of each symbol over `range`, in the order given; fails on the first unknown symbol. */
export async function loadBars(
  marketData: MarketData,
  symbols: readonly string[],
  range: DateRange,
): Promise<Map<string, DailyBar[]>> {
  const duplicates = symbols.filter((s, i) => symbols.indexOf(s) !== i);
  if (duplicates.length > 0) throw new Error(`duplicate symbols: ${[...new Set(duplicates)].join(', ')}`);
  const series = await Promise.all(symbols.map((symbol) => marketData.dailyBars(symbol, range)));
  return new Map(symbols.map((symbol, i) => [symbol, series[i]]));
}
