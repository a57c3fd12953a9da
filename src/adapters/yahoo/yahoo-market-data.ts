import type { ArtifactStore } from '../../ports/artifact-store.ts';
import { getJson, putJson } from '../../ports/artifact-store.ts';
import type { DailyBar, DateRange, MarketData } from '../../ports/market-data.ts';
import { sliceRange } from '../../data/daily-bars-csv.ts';
import { addDays, assertDateRange } from '../../data/dates.ts';

/** The part of yahoo-finance2's v8 chart result this adapter reads (`return: 'object'`). */
export interface YahooChartObject {
  meta: { gmtoffset: number; symbol: string };
  timestamp?: number[];
  indicators: {
    quote: Array<{
      open: Array<number | null>;
      high: Array<number | null>;
      low: Array<number | null>;
      close: Array<number | null>;
      volume: Array<number | null>;
    }>;
    adjclose?: Array<{ adjclose?: Array<number | null> }>;
  };
}

export interface YahooChartQuery {
  period1: string;
  period2: string;
  interval: '1d';
  return: 'object';
}

/** What this adapter needs of a yahoo-finance2 3.x instance (`new YahooFinance({ fetch })` satisfies it). */
export interface YahooChartClient {
  chart(symbol: string, query: YahooChartQuery): Promise<unknown>;
}

export interface YahooMarketDataOptions {
  client: YahooChartClient;
  /** Where fetched windows are cached (`cache/yahoo/chart/SYMBOL/START_END.json`). */
  store: ArtifactStore;
  /** The clock, for "is this window complete yet" (tests pin it). */
  now?: () => Date;
  /** The symbol whose newest bar defines `lastDate()`. */
  referenceSymbol?: string;
}

interface CachedWindow {
  symbol: string;
  range: DateRange;
  fetchedAt: string;
  bars: DailyBar[];
}

const SYMBOL = /^[A-Z0-9][A-Z0-9.^=-]{0,14}$/;

export class YahooDataError extends Error {
  override readonly name = 'YahooDataError';
}

/**
 * Daily bars from Yahoo Finance (yahoo-finance2 `chart()`, interval 1d), adjusted for splits and
 * dividends like the bundled sample: open, high, low and close are each scaled by adjclose / close,
 * then rounded to 7 significant digits. A window that has fully ended is stored in the artifact
 * store and never fetched again; a window reaching today is fetched but not stored (its last bar
 * may still change).
 */
export class YahooMarketData implements MarketData {
  readonly source = 'yahoo' as const;
  private readonly client: YahooChartClient;
  private readonly store: ArtifactStore;
  private readonly now: () => Date;
  private readonly referenceSymbol: string;

  constructor(options: YahooMarketDataOptions) {
    this.client = options.client;
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
    this.referenceSymbol = options.referenceSymbol ?? 'SPY';
  }

  static cacheKey(symbol: string, range: DateRange): string {
    return `cache/yahoo/chart/${symbol}/${range.start}_${range.end}.json`;
  }

  async dailyBars(symbol: string, range: DateRange): Promise<DailyBar[]> {
    assertDateRange(range);
    if (!SYMBOL.test(symbol)) throw new YahooDataError(`unknown symbol "${symbol}": not a Yahoo ticker`);
    const key = YahooMarketData.cacheKey(symbol, range);
    const cached = await getJson<CachedWindow>(this.store, key);
    if (cached) return cached.bars;
    const bars = sliceRange(await this.fetchBars(symbol, range), range.start, range.end);
    if (range.end < this.today()) {
      await putJson(this.store, key, { symbol, range, fetchedAt: this.now().toISOString(), bars } satisfies CachedWindow);
    }
    return bars;
  }

  /** The newest complete trading day: the reference symbol's last bar dated before today. */
  async lastDate(): Promise<string> {
    const today = this.today();
    const bars = await this.fetchBars(this.referenceSymbol, { start: addDays(today, -14), end: today });
    const complete = bars.filter((b) => b.date < today);
    if (complete.length === 0) throw new YahooDataError(`no ${this.referenceSymbol} bars from Yahoo in the two weeks before ${today}`);
    return complete[complete.length - 1].date;
  }

  private today(): string {
    return this.now().toISOString().slice(0, 10);
  }

  private async fetchBars(symbol: string, range: DateRange): Promise<DailyBar[]> {
    let result: unknown;
    try {
      // period2 is exclusive at Yahoo: ask for the day after the range's end.
      result = await this.client.chart(symbol, { period1: range.start, period2: addDays(range.end, 1), interval: '1d', return: 'object' });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new YahooDataError(`Yahoo chart for "${symbol}" ${range.start}..${range.end} failed: ${detail}`);
    }
    return chartToBars(result as YahooChartObject, symbol);
  }
}

/**
 * Converts a v8 chart result to adjusted daily bars, ascending. Days with a missing price
 * (Yahoo emits null rows for halts) are dropped; dates are the exchange's local dates.
 */
export function chartToBars(chart: YahooChartObject, symbol: string): DailyBar[] {
  const timestamps = chart.timestamp ?? [];
  const quote = chart.indicators.quote[0];
  const adjclose = chart.indicators.adjclose?.[0]?.adjclose;
  const byDate = new Map<string, DailyBar>();
  for (let i = 0; i < timestamps.length; i++) {
    const [open, high, low, close, volume] = [quote.open[i], quote.high[i], quote.low[i], quote.close[i], quote.volume[i]];
    if (open == null || high == null || low == null || close == null || !(close > 0)) continue;
    const adjusted = adjclose?.[i];
    const factor = adjclose ? (adjusted != null && adjusted > 0 ? adjusted / close : Number.NaN) : 1;
    if (!Number.isFinite(factor)) continue;
    const date = new Date((timestamps[i] + chart.meta.gmtoffset) * 1000).toISOString().slice(0, 10);
    // A later row for the same date (Yahoo's live bar) replaces the earlier one.
    byDate.set(date, {
      date,
      open: round7(open * factor),
      high: round7(high * factor),
      low: round7(low * factor),
      close: round7(close * factor),
      volume: volume ?? 0,
    });
  }
  if (timestamps.length > 0 && byDate.size === 0) throw new YahooDataError(`Yahoo returned no usable bars for "${symbol}"`);
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** 7 significant digits: float32's precision, the sample's convention. */
function round7(value: number): number {
  return Number(value.toPrecision(7));
}
