/**
 * The live signal provider: statements from Alpha Vantage (cached a day in the artifact store, spaced
 * to its free tier) and the sentiment parquet at an artifact-store key (S3 on AWS, the data dir
 * locally) when one is configured; without one, every day scores 0 (neutral) and the run's metadata
 * shows no news days.
 */
import { createHash } from 'node:crypto';
import { readNewsSentimentBytes, type NewsSentimentRow } from '../../data/news-sentiment.ts';
import type { QuarterlyStatement } from '../../data/statement-types.ts';
import { indexSignalSources } from '../../features/signal-channels.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { SignalProvider } from '../../ports/signals.ts';
import { canonicalJson } from '../../registry/version.ts';
import type { AlphaVantageFundamentals } from './alpha-vantage-fundamentals.ts';

export function liveSignalProvider(opts: { store: ArtifactStore; statements: AlphaVantageFundamentals; sentimentKey?: string }): SignalProvider {
  const sentiment = async (): Promise<{ rows: NewsSentimentRow[]; hash: string }> => {
    if (!opts.sentimentKey) return { rows: [], hash: 'none' };
    const bytes = await opts.store.get(opts.sentimentKey);
    if (!bytes) throw new Error(`the news-sentiment parquet ${opts.sentimentKey} is not in the artifact store: upload it there or unset MIZAN_NEWS_SENTIMENT_KEY`);
    return { rows: await readNewsSentimentBytes(bytes, opts.sentimentKey), hash: createHash('sha256').update(bytes).digest('hex') };
  };
  const statements = async (symbols: readonly string[]): Promise<QuarterlyStatement[]> => {
    const all: QuarterlyStatement[] = [];
    for (const symbol of symbols) all.push(...(await opts.statements.quarterlyStatements(symbol))); // one at a time: the free tier is spaced
    return all;
  };
  return {
    source: 'live',
    async signalSources(symbols) {
      const [news, filed] = await Promise.all([sentiment(), statements(symbols)]);
      return indexSignalSources(news.rows, filed);
    },
    async fingerprint(symbols) {
      const [news, filed] = await Promise.all([sentiment(), statements(symbols)]);
      return createHash('sha256').update(news.hash).update(canonicalJson(filed)).digest('hex');
    },
  };
}
