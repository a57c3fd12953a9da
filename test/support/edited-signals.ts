/** A signal provider that differs from the bundled one: the bundled news and statements, each news row passed through `edit`. */
import { readNewsSentiment, type NewsSentimentRow } from '../../src/data/news-sentiment.ts';
import { readQuarterlyStatements } from '../../src/data/quarterly-statements-csv.ts';
import { indexSignalSources } from '../../src/features/signal-channels.ts';
import type { SignalProvider } from '../../src/ports/signals.ts';

export async function editedSignalProvider(name: string, edit: (row: NewsSentimentRow) => NewsSentimentRow): Promise<SignalProvider> {
  const [news, statements] = await Promise.all([readNewsSentiment(), readQuarterlyStatements()]);
  const sources = indexSignalSources(news.map(edit), statements);
  return { source: 'live', signalSources: async () => sources, fingerprint: async () => name };
}

/** Every news day from `from` on scores -1 (the bundled set is mostly mildly positive). */
export const gloomFrom = (from: string) => (row: NewsSentimentRow): NewsSentimentRow => (row.date >= from ? { ...row, sentimentScore: -1 } : row);
