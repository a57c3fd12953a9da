import type { SignalSources } from '../features/signal-channels.ts';

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
