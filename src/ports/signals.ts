/**
 * News sentiment and financial statements for the signal channels (PatchTST, the agents): the
 * bundled files offline, Alpha Vantage and a configured sentiment parquet live.
 */
export interface SignalProvider {
  readonly source: 'sample' | 'live';
  /** News and statements of these symbols, indexed for `signalRows`. */
  signalSources(symbols: readonly string[]): Promise<SignalSources>;
  /** A hash of what `signalSources` reads for these symbols: part of the version of a kind that uses signals. */
  fingerprint(symbols: readonly string[]): Promise<string>;
}

/*
 * What a provider hands in: news and statements indexed once per run, in the shapes the signal channels
 * read (src/features: indexSignalSources builds them, signalRows reads them).
 */

/** The five point-in-time fundamental ratios, in channel order (src/features/fundamental-ratios.ts computes them). */
export const FUNDAMENTAL_RATIOS = ['gross_margin', 'operating_margin', 'net_margin', 'current_ratio', 'debt_to_equity'] as const;
export type FundamentalRatio = (typeof FUNDAMENTAL_RATIOS)[number];

/** One news symbol's days with articles, ascending by date. */
export interface NewsDays {
  readonly dates: readonly string[];
  readonly scores: readonly number[];
  readonly articles: readonly number[];
}
export type NewsIndex = ReadonlyMap<string, NewsDays>;

/** One ratio's valid values in publication order: values[i] holds from dates[i] until dates[i + 1]. */
export interface RatioTimeline {
  readonly dates: readonly string[];
  readonly values: readonly number[];
}
export type RatioTimelines = Readonly<Record<FundamentalRatio, RatioTimeline>>;

/** Sources indexed once per run: news days by news symbol, ratio timelines by symbol. */
export interface SignalSources {
  readonly sentiment: NewsIndex;
  readonly statements: ReadonlyMap<string, RatioTimelines>;
}
