/**
 * Prices and the halal universe for a data source, built the same way in both runtimes:
 * `sample` is the bundled data with the offline Shariah screen; `yahoo` is yahoo-finance2
 * (cached in the artifact store) with the Shariah ETFs' holdings.
 */
import { SampleMarketData } from '../adapters/sample/sample-market-data.ts';
import { YahooMarketData, type YahooChartClient } from '../adapters/yahoo/yahoo-market-data.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { MarketData } from '../ports/market-data.ts';
import type { SignalProvider } from '../ports/signals.ts';
import type { UniverseProvider } from '../ports/universe.ts';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { alphaVantageFundamentals } from '../adapters/alphavantage/alpha-vantage-fundamentals.ts';
import { alphaVantageApiKey, alphaVantageCallsPerDay } from '../adapters/alphavantage/alpha-vantage-key.ts';
import { liveSignalProvider } from '../adapters/alphavantage/live-signal-provider.ts';
import { sampleSignalProvider } from '../adapters/sample/sample-signal-provider.ts';
import { EtfHoldingsUniverse, type YahooHoldingsClient } from '../adapters/yahoo/etf-holdings.ts';
import { loadSampleFundamentals } from '../universe/fundamentals.ts';
import { SampleUniverse } from '../adapters/sample/sample-universe.ts';

export type DataSource = 'sample' | 'yahoo';

export interface MarketSources {
  marketData: MarketData;
  universe: UniverseProvider;
  /** News sentiment and statements for the signal channels. */
  signals: SignalProvider;
}

export async function marketSources(
  source: DataSource,
  opts: {
    sampleDir: string;
    store: ArtifactStore;
    yahoo?: YahooChartClient & YahooHoldingsClient;
    /** Live only: ALPHAVANTAGE_API_KEY / MIZAN_ALPHAVANTAGE_SECRET_ARN, MIZAN_NEWS_SENTIMENT_KEY. */
    env?: NodeJS.ProcessEnv;
    secretsManager?: SecretsManagerClient;
  },
): Promise<MarketSources> {
  if (source === 'yahoo') {
    // Loaded only when asked for: the offline default never touches yahoo-finance2.
    const client = opts.yahoo ?? new (await import('yahoo-finance2')).default({ suppressNotices: ['yahooSurvey'] });
    const env = opts.env ?? process.env;
    const statements = alphaVantageFundamentals({ apiKey: alphaVantageApiKey(env, opts.secretsManager), store: opts.store, callsPerDay: alphaVantageCallsPerDay(env) });
    return {
      marketData: new YahooMarketData({ client, store: opts.store }),
      universe: new EtfHoldingsUniverse({ client, store: opts.store }),
      signals: liveSignalProvider({ store: opts.store, statements, sentimentKey: env.MIZAN_NEWS_SENTIMENT_KEY?.trim() || undefined }),
    };
  }
  const marketData = new SampleMarketData(opts.sampleDir);
  return { marketData, universe: lazySampleUniverse(opts.sampleDir, marketData), signals: sampleSignalProvider(opts.sampleDir) };
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
