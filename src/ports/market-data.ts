/** One trading day of one symbol. Prices are adjusted for splits and dividends. */
export interface DailyBar {
  date: string; // YYYY-MM-DD
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface DateRange {
  start: string; // YYYY-MM-DD, inclusive
  end: string; // YYYY-MM-DD, inclusive
}

/** Daily prices. Default: the bundled sample (`data/sample`); live: yahoo-finance2, cached in the ArtifactStore. */
export interface MarketData {
  readonly source: 'sample' | 'yahoo';
  /** Bars of `symbol` with start <= date <= end, ascending. Throws a clear error for an unknown symbol. */
  dailyBars(symbol: string, range: DateRange): Promise<DailyBar[]>;
  /** The date of the newest bar this source has (the sample ends 2026-08-14). */
  lastDate(): Promise<string>;
}
