import type { DailyBar, MarketData } from '../../src/ports/market-data.ts';

/**
 * The same real prices, except every bar dated on/after `from` is scaled by `factor` (prices)
 * and doubled in volume: "what if later data had been different".
 */
export function perturbedAfter(source: MarketData, from: string, factor = 1.5): MarketData {
  const change = (bar: DailyBar): DailyBar =>
    bar.date >= from
      ? { date: bar.date, open: bar.open * factor, high: bar.high * factor * 1.01, low: bar.low * factor, close: bar.close * factor * 0.98, volume: bar.volume * 2 }
      : bar;
  return {
    source: source.source,
    async dailyBars(symbol, range) {
      return (await source.dailyBars(symbol, range)).map(change);
    },
    lastDate: () => source.lastDate(),
  };
}
