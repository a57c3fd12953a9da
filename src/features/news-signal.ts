/**
 * The daily news-sentiment channel of one symbol on trading dates.
 *
 * - A trading date's value is the sentiment of the news dated after the previous trading date and
 *   up to it (weekend news lands on Monday: known by Monday's close, never earlier), averaged with
 *   article counts as weights. For the first date only its own day's news counts.
 * - A date without news is 0 (neutral), never the previous day's score: rows with
 *   article_count 0 (the source's carried-forward fills) are dropped when indexing.
 * - Share classes read one company's news: GOOGL reads GOOG's (NEWS_SYMBOL_ALIASES).
 */
import type { NewsSentimentRow } from '../data/news-sentiment.ts';
import type { DateRange } from '../ports/market-data.ts';
import type { NewsIndex } from '../ports/signals.ts';

/** Share class → the symbol its company's news is listed under. */
export const NEWS_SYMBOL_ALIASES: Readonly<Record<string, string>> = { GOOGL: 'GOOG' };

export function newsSymbolFor(symbol: string): string {
  return NEWS_SYMBOL_ALIASES[symbol] ?? symbol;
}

/** Groups rows by symbol, keeping only days with articles; a repeated (symbol, date) throws. */
export function indexNews(rows: readonly NewsSentimentRow[]): NewsIndex {
  const withNews = rows.filter((r) => r.articleCount > 0).sort((a, b) => (a.symbol !== b.symbol ? (a.symbol < b.symbol ? -1 : 1) : a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const index = new Map<string, { dates: string[]; scores: number[]; articles: number[] }>();
  for (const r of withNews) {
    let days = index.get(r.symbol);
    if (!days) index.set(r.symbol, (days = { dates: [], scores: [], articles: [] }));
    if (days.dates.at(-1) === r.date) throw new Error(`news sentiment: two rows for ${r.symbol} on ${r.date}`);
    days.dates.push(r.date);
    days.scores.push(r.sentimentScore);
    days.articles.push(r.articleCount);
  }
  return index;
}

/** The sentiment channel of `symbol` on strictly ascending `tradingDates` (see the module rules). */
export function sentimentOnDates(index: NewsIndex, symbol: string, tradingDates: readonly string[]): Float64Array {
  for (let i = 1; i < tradingDates.length; i++) {
    if (!(tradingDates[i] > tradingDates[i - 1])) throw new Error(`trading dates must be strictly ascending: ${tradingDates[i - 1]} then ${tradingDates[i]}`);
  }
  const out = new Float64Array(tradingDates.length);
  const days = index.get(newsSymbolFor(symbol));
  if (!days || tradingDates.length === 0) return out;
  let k = firstIndex(days.dates, tradingDates[0], false); // first news day not yet assigned
  for (let d = 0; d < tradingDates.length; d++) {
    let weighted = 0;
    let articles = 0;
    while (k < days.dates.length && days.dates[k] <= tradingDates[d]) {
      weighted += days.scores[k] * days.articles[k];
      articles += days.articles[k];
      k++;
    }
    if (articles > 0) out[d] = weighted / articles;
  }
  return out;
}

/** Days with articles for `symbol` (after the share-class mapping) from range.start to range.end, both included. */
export function newsDayCount(index: NewsIndex, symbol: string, range: DateRange): number {
  const days = index.get(newsSymbolFor(symbol));
  if (!days) return 0;
  return firstIndex(days.dates, range.end, true) - firstIndex(days.dates, range.start, false);
}

/** Binary search in ascending dates: the first index whose date is > `date` (after) or ≥ `date`. */
function firstIndex(dates: readonly string[], date: string, after: boolean): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid] < date || (after && dates[mid] === date)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
