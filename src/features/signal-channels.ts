/**
 * The 6 signal channels of the forecaster, next to the 5 price channels: news sentiment and five
 * point-in-time fundamental ratios, one row per trading date. Row d holds what is known by the end
 * of day d: the news of day d (and of non-trading days since the previous date), statements
 * published on or before d. A sample whose lookback ends the day before its target week therefore
 * sees nothing from the week itself.
 *
 * Missing values: sentiment is 0 on a day without news (neutral, also for symbols the news set does
 * not cover); a ratio is NaN before the symbol's first valid filing. Standardise the ratios with
 * training statistics of the finite values and map NaN to 0 (the training mean).
 */
import { join } from 'node:path';
import { readNewsSentiment, type NewsSentimentRow } from '../data/news-sentiment.ts';
import { readQuarterlyStatements } from '../data/quarterly-statements-csv.ts';
import { DEFAULT_SAMPLE_DIR } from '../data/sample-dir.ts';
import type { QuarterlyStatement } from '../data/statement-types.ts';
import type { DateRange } from '../ports/market-data.ts';
import { FUNDAMENTAL_RATIOS, type SignalSources } from '../ports/signals.ts';
import { ratiosOnDates, ratioTimelines } from './fundamental-ratios.ts';
import { indexNews, newsDayCount, sentimentOnDates } from './news-signal.ts';

export const SIGNAL_CHANNELS = ['sentiment', ...FUNDAMENTAL_RATIOS] as const;
export type SignalChannel = (typeof SIGNAL_CHANNELS)[number];

export function indexSignalSources(news: readonly NewsSentimentRow[], statements: readonly QuarterlyStatement[]): SignalSources {
  const bySymbol = new Map<string, QuarterlyStatement[]>();
  for (const s of statements) {
    const list = bySymbol.get(s.symbol);
    if (list) list.push(s);
    else bySymbol.set(s.symbol, [s]);
  }
  return {
    sentiment: indexNews(news),
    statements: new Map([...bySymbol].map(([symbol, list]) => [symbol, ratioTimelines(list)])),
  };
}

/** Reads and indexes the bundled `news/daily_sentiment.parquet` and `fundamentals/quarterly_statements.csv`. */
export async function loadSampleSignalSources(sampleDir: string = DEFAULT_SAMPLE_DIR): Promise<SignalSources> {
  const [news, statements] = await Promise.all([
    readNewsSentiment(join(sampleDir, 'news', 'daily_sentiment.parquet')),
    readQuarterlyStatements(join(sampleDir, 'fundamentals', 'quarterly_statements.csv')),
  ]);
  return indexSignalSources(news, statements);
}

let bundled: Promise<SignalSources> | undefined;
/** The bundled sample's sources, read once per process: the fallback of every reader given no provider. */
export function bundledSignalSources(): Promise<SignalSources> {
  bundled ??= loadSampleSignalSources();
  return bundled;
}

/**
 * tradingDates.length × 6 values, row-major (`[day * 6 + channel]`, channel order SIGNAL_CHANNELS),
 * unscaled. `tradingDates` must be strictly ascending (the symbol's bar dates).
 */
export function signalRows(symbol: string, tradingDates: readonly string[], sources: SignalSources): Float32Array {
  const width = SIGNAL_CHANNELS.length;
  const sentiment = sentimentOnDates(sources.sentiment, symbol, tradingDates);
  const timelines = sources.statements.get(symbol);
  const ratios = timelines ? ratiosOnDates(timelines, tradingDates) : null;
  const nRatios = FUNDAMENTAL_RATIOS.length;
  const rows = new Float32Array(tradingDates.length * width);
  for (let d = 0; d < tradingDates.length; d++) {
    rows[d * width] = sentiment[d];
    for (let r = 0; r < nRatios; r++) rows[d * width + 1 + r] = ratios ? ratios[d * nRatios + r] : Number.NaN;
  }
  return rows;
}

/** Days with news per symbol in `range` (both ends included; GOOGL counts GOOG's): for a run's metadata. */
export function newsDaysBySymbol(sources: SignalSources, symbols: readonly string[], range: DateRange): Record<string, number> {
  return Object.fromEntries(symbols.map((symbol) => [symbol, newsDayCount(sources.sentiment, symbol, range)]));
}

/**
 * Per symbol, the last publish date that gave any ratio a value (null without statements): how
 * stale the carried fundamentals are at the end of a window.
 */
export function lastFilingBySymbol(sources: SignalSources, symbols: readonly string[]): Record<string, string | null> {
  return Object.fromEntries(
    symbols.map((symbol) => {
      const timelines = sources.statements.get(symbol);
      const last = timelines ? FUNDAMENTAL_RATIOS.map((r) => timelines[r].dates.at(-1) ?? '').reduce((a, b) => (b > a ? b : a), '') : '';
      return [symbol, last === '' ? null : last];
    }),
  );
}
