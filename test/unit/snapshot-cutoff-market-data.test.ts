import { describe, expect, it } from 'vitest';
import type { DailyBar, DateRange, MarketData } from '../../src/ports/market-data.ts';
import { marketDataUpTo } from '../../src/data/cutoff-market-data.ts';

/** A real in-memory MarketData over a few fixed bars, recording the ranges it was asked for. */
function memoryMarketData(bars: DailyBar[]): MarketData & { asked: DateRange[] } {
  const asked: DateRange[] = [];
  return {
    source: 'sample',
    asked,
    async dailyBars(_symbol, range) {
      asked.push(range);
      return bars.filter((b) => b.date >= range.start && b.date <= range.end);
    },
    async lastDate() {
      return bars.at(-1)!.date;
    },
  };
}

const bar = (date: string): DailyBar => ({ date, open: 1, high: 1, low: 1, close: 1, volume: 1 });

describe('marketDataUpTo', () => {
  const bars = ['2020-12-30', '2020-12-31', '2021-01-04', '2021-01-05'].map(bar);

  it('never returns or even asks for a bar after the cutoff', async () => {
    // Prepare
    const source = memoryMarketData(bars);
    const view = marketDataUpTo(source, '2020-12-31');
    // Act
    const seen = await view.dailyBars('AAPL', { start: '2020-01-01', end: '2021-12-31' });
    // Assess
    expect(seen.map((b) => b.date)).toEqual(['2020-12-30', '2020-12-31']);
    expect(source.asked).toEqual([{ start: '2020-01-01', end: '2020-12-31' }]);
    expect(await view.lastDate()).toBe('2020-12-31');
  });

  it('answers a range wholly after the cutoff with no bars', async () => {
    const view = marketDataUpTo(memoryMarketData(bars), '2020-12-31');
    expect(await view.dailyBars('AAPL', { start: '2021-01-04', end: '2021-01-05' })).toEqual([]);
  });
});
