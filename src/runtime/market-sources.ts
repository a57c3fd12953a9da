/**
 * Prices and the halal universe for a data source, built the same way in both runtimes:
 * `sample` is the bundled data with the offline Shariah screen; `yahoo` is yahoo-finance2
 * (cached in the artifact store) with the Shariah ETFs' holdings.
 */
import { SampleMarketData } from '../data/sample-market-data.ts';
import { YahooMarketData, type YahooChartClient } from '../data/yahoo-market-data.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { MarketData } from '../ports/market-data.ts';
import type { UniverseProvider } from '../ports/universe.ts';
import { EtfHoldingsUniverse, type YahooHoldingsClient } from '../universe/etf-holdings.ts';
import { loadSampleFundamentals } from '../universe/fundamentals.ts';
import { SampleUniverse } from '../universe/sample-universe.ts';

export type DataSource = 'sample' | 'yahoo';

export interface MarketSources {
  marketData: MarketData;
  universe: UniverseProvider;
}

export async function marketSources(
  source: DataSource,
  opts: { sampleDir: string; store: ArtifactStore; yahoo?: YahooChartClient & YahooHoldingsClient },
): Promise<MarketSources> {
  if (source === 'yahoo') {
    // Loaded only when asked for: the offline default never touches yahoo-finance2.
    const client = opts.yahoo ?? new (await import('yahoo-finance2')).default({ suppressNotices: ['yahooSurvey'] });
    return { marketData: new YahooMarketData({ client, store: opts.store }), universe: new EtfHoldingsUniverse({ client, store: opts.store }) };
  }
  const marketData = new SampleMarketData(opts.sampleDir);
  return { marketData, universe: lazySampleUniverse(opts.sampleDir, marketData) };
}

/** The Shariah screen's fundamentals are read on first use: commands and functions that never plan a run never read them. */
function lazySampleUniverse(sampleDir: string, marketData: MarketData): UniverseProvider {
  let universe: Promise<SampleUniverse> | undefined;
  return {
    source: 'sample',
    halalSymbols(asOf: string) {
      universe ??= loadSampleFundamentals(sampleDir).then((fundamentals) => new SampleUniverse(fundamentals, marketData));
      return universe.then((u) => u.halalSymbols(asOf));
    },
  };
}
