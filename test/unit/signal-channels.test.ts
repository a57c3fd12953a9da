import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NewsSentimentRow } from '../../src/data/news-sentiment.ts';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import type { QuarterlyStatement } from '../../src/data/statement-types.ts';
import { indexSignalSources, lastFilingBySymbol, loadSampleSignalSources, newsDaysBySymbol, SIGNAL_CHANNELS, signalRows } from '../../src/features/signal-channels.ts';
import type { SignalSources } from '../../src/ports/signals.ts';

const W = SIGNAL_CHANNELS.length;
const channel = (rows: Float32Array, name: (typeof SIGNAL_CHANNELS)[number], day: number) => rows[day * W + SIGNAL_CHANNELS.indexOf(name)];

describe('signalRows on the bundled data', () => {
  let sources: SignalSources;
  let dates: string[];
  beforeAll(async () => {
    sources = await loadSampleSignalSources();
    dates = (await new SampleMarketData().dailyBars('AAPL', { start: '2023-01-03', end: '2024-03-28' })).map((b) => b.date);
  });

  it('has 6 channels in the documented order', () => {
    expect(SIGNAL_CHANNELS).toEqual(['sentiment', 'gross_margin', 'operating_margin', 'net_margin', 'current_ratio', 'debt_to_equity']);
    expect(signalRows('AAPL', dates, sources)).toHaveLength(dates.length * 6);
  });

  it("shows AAPL's filings of 2023-08-04, 2023-11-03 and 2024-02-02 on their filing day, not the day before", () => {
    // Act
    const rows = signalRows('AAPL', dates, sources);
    // Assess
    for (const filed of ['2023-08-04', '2023-11-03', '2024-02-02']) {
      const d = dates.indexOf(filed);
      expect(d).toBeGreaterThan(0);
      expect(channel(rows, 'gross_margin', d)).not.toBe(channel(rows, 'gross_margin', d - 1));
      expect(channel(rows, 'gross_margin', d + 1)).toBe(channel(rows, 'gross_margin', d)); // carried forward
    }
    const q3 = dates.indexOf('2023-08-04');
    expect(channel(rows, 'gross_margin', q3)).toBeCloseTo(36_413 / 81_797, 4); // Apple's 10-Q, June 2023 quarter (USD m)
    expect(channel(rows, 'debt_to_equity', q3)).toBeCloseTo(109_280 / 60_274, 4);
  });

  it("gives GOOGL GOOG's news and a day without articles 0", () => {
    const googl = signalRows('GOOGL', dates, sources);
    const goog = signalRows('GOOG', dates, sources);
    const sentiment = (rows: Float32Array) => dates.map((_, d) => channel(rows, 'sentiment', d));
    expect(sentiment(googl)).toEqual(sentiment(goog));
    expect(sentiment(googl).filter((v) => v !== 0).length).toBeGreaterThan(100);
    // AAPL's carried-forward fill rows (article_count 0) read as 0
    const aapl = sentiment(signalRows('AAPL', dates, sources));
    expect(aapl.filter((v) => v === 0).length).toBeGreaterThan(0);
  });

  it('counts news days per symbol and reports the last filing', () => {
    const range = { start: '2011-01-03', end: '2026-08-14' };
    expect(newsDaysBySymbol(sources, ['AAPL', 'GOOGL', 'ADBE'], range)).toEqual({ AAPL: 387, GOOGL: 1211, ADBE: 0 });
    expect(lastFilingBySymbol(sources, ['AAPL', 'NOPE'])).toEqual({ AAPL: '2025-05-02', NOPE: null });
  });
});

describe('signalRows never looks ahead', () => {
  const tradingDates = Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2021, 0, 4 + i)).toISOString().slice(0, 10));
  const statementArb = fc.record({
    day: fc.integer({ min: 0, max: 39 }),
    lagDays: fc.integer({ min: 1, max: 30 }),
    revenue: fc.integer({ min: 1, max: 1000 }),
    grossProfit: fc.integer({ min: -500, max: 1000 }),
    equity: fc.integer({ min: -100, max: 500 }),
  });
  const newsArb = fc.record({ day: fc.integer({ min: 0, max: 39 }), score: fc.double({ min: -1, max: 1, noNaN: true }), articles: fc.integer({ min: 0, max: 3 }) });

  const toStatement = (s: { day: number; lagDays: number; revenue: number; grossProfit: number; equity: number }, i: number): QuarterlyStatement => ({
    symbol: 'XYZ',
    fiscalPeriod: `${2000 + i}Q1`,
    periodEnd: new Date(Date.UTC(2021, 0, 4 + s.day - s.lagDays)).toISOString().slice(0, 10),
    published: tradingDates[s.day],
    publishedEstimated: false,
    revenue: s.revenue,
    grossProfit: s.grossProfit,
    operatingIncome: s.grossProfit / 2,
    netIncome: s.grossProfit / 3,
    totalCurrentAssets: s.revenue,
    totalCurrentLiabilities: 50,
    totalDebt: 100,
    totalEquity: s.equity,
  });
  const toNews = (n: { day: number; score: number; articles: number }): NewsSentimentRow => ({ symbol: 'XYZ', date: tradingDates[n.day], sentimentScore: n.score, articleCount: n.articles });

  it('rows up to day d do not change when statements or news dated after d are added or changed', () => {
    fc.assert(
      fc.property(
        fc.array(statementArb, { maxLength: 6 }),
        fc.uniqueArray(newsArb, { selector: (n) => n.day, maxLength: 20 }),
        fc.integer({ min: 0, max: 38 }),
        fc.array(statementArb, { maxLength: 4 }),
        fc.uniqueArray(newsArb, { selector: (n) => n.day, maxLength: 10 }),
        (statements, news, cut, extraStatements, extraNews) => {
          const known = statements.filter((s) => s.day <= cut);
          const knownNews = news.filter((n) => n.day <= cut);
          const newsDays = new Set(knownNews.map((n) => n.day));
          // Later data: anything published after the cut, including periods that ended before it.
          const laterStatements = [...statements.filter((s) => s.day > cut), ...extraStatements.filter((s) => s.day > cut)];
          const laterNews = [...news.filter((n) => n.day > cut), ...extraNews.filter((n) => n.day > cut && !newsDays.has(n.day) && !news.some((m) => m.day === n.day))];
          const base = signalRows('XYZ', tradingDates, indexSignalSources(knownNews.map(toNews), known.map(toStatement)));
          const full = signalRows(
            'XYZ',
            tradingDates,
            indexSignalSources([...knownNews, ...laterNews].map(toNews), [...known, ...laterStatements].map((s, i) => toStatement(s, i))),
          );
          expect(Array.from(full.subarray(0, (cut + 1) * W))).toEqual(Array.from(base.subarray(0, (cut + 1) * W)));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
