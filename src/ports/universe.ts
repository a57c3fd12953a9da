/** The halal universe: Shariah-compliant symbols, best first (by market cap or ETF weight). */
export interface UniverseProvider {
  readonly source: 'sample' | 'etf-holdings';
  /** Passing symbols as of `asOf` (YYYY-MM-DD), ranked; only information published by then is used. */
  halalSymbols(asOf: string): Promise<string[]>;
}
