/**
 * PatchTST's 11-channel samples read nothing dated on or after their week's first session: for each
 * kind of input (a price, a news-sentiment row, a filed statement), changing what is dated after a
 * day d leaves every sample of a week starting on or before d unchanged.
 */
import { describe, expect, it } from 'vitest';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { readNewsSentiment } from '../../src/data/news-sentiment.ts';
import { readQuarterlyStatements } from '../../src/data/quarterly-statements-csv.ts';
import { loadBars } from '../../src/data/load-bars.ts';
import { indexSignalSources, signalRows, SIGNAL_CHANNELS } from '../../src/features/signal-channels.ts';
import type { SignalSources } from '../../src/ports/signals.ts';
import { buildWeeklySamples } from '../../src/features/weekly-dataset.ts';
import type { NewsSentimentRow } from '../../src/data/news-sentiment.ts';
import type { QuarterlyStatement } from '../../src/data/statement-types.ts';
import type { MarketData } from '../../src/ports/market-data.ts';
import { perturbedAfter } from '../support/perturbed-market-data.ts';

const D = '2023-06-01';
const window = { start: '2023-01-02', end: '2023-12-29' };
const symbols = ['AAPL', 'MSFT'];

async function samplesWith(marketData: MarketData, sources: SignalSources) {
  const bars = await loadBars(marketData, symbols, { start: '2022-08-01', end: window.end });
  return buildWeeklySamples(bars, window, 60, { width: SIGNAL_CHANNELS.length, rows: (symbol, dates) => signalRows(symbol, dates, sources) });
}

describe('PatchTST samples: 11 channels, no look-ahead', async () => {
  const prices = new SampleMarketData();
  const news = await readNewsSentiment();
  const statements = await readQuarterlyStatements();
  const base = await samplesWith(prices, indexSignalSources(news, statements));
  // The inputs only: a week that starts before d and ends after it has a later target, by definition.
  const upTo = (samples: typeof base) => samples.filter((s) => s.weekStart <= D).map((s) => ({ symbol: s.symbol, week: s.week, features: s.features }));

  it('has 60 days × 11 channels per sample, with real sentiment and ratios in them', () => {
    expect(base.length).toBeGreaterThan(80);
    expect(base.every((s) => s.features.length === 60 * 11)).toBe(true);
    const sentiment = base.flatMap((s) => Array.from({ length: 60 }, (_, d) => s.features[d * 11 + 5]));
    expect(sentiment.some((v) => v !== 0)).toBe(true);
    const grossMargin = base.flatMap((s) => Array.from({ length: 60 }, (_, d) => s.features[d * 11 + 6]));
    expect(grossMargin.every((v) => v > 0.2 && v < 0.8)).toBe(true);
  });

  const cases: [string, () => Promise<typeof base>][] = [
    ['a later price', () => samplesWith(perturbedAfter(prices, D), indexSignalSources(news, statements))],
    [
      'a later sentiment row',
      () => samplesWith(prices, indexSignalSources(news.map((r): NewsSentimentRow => (r.date >= D ? { ...r, sentimentScore: -r.sentimentScore || 0.9, articleCount: 1 } : r)), statements)),
    ],
    [
      'a later filing (even of a period that ended before d)',
      () =>
        samplesWith(
          prices,
          indexSignalSources(news, statements.map((s): QuarterlyStatement => (s.published >= D ? { ...s, grossProfit: (s.revenue ?? 1) * 0.05, totalDebt: (s.totalDebt ?? 0) * 10 } : s))),
        ),
    ],
  ];
  for (const [what, build] of cases) {
    it(`changing ${what} dated on or after ${D} changes no sample of a week starting by then`, async () => {
      const changed = await build();
      expect(upTo(changed)).toEqual(upTo(base));
      expect(changed).not.toEqual(base); // the change is real: later samples see it
    });
  }
});
