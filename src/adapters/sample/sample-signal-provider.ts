/** The offline signal provider: the bundled news-sentiment parquet and statements CSV. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSampleSignalSources } from '../../features/signal-channels.ts';
import type { SignalProvider, SignalSources } from '../../ports/signals.ts';

const SAMPLE_FILES = [join('news', 'daily_sentiment.parquet'), join('fundamentals', 'quarterly_statements.csv')];

export function sampleSignalProvider(sampleDir: string): SignalProvider {
  let sources: Promise<SignalSources> | undefined;
  let hash: Promise<string> | undefined;
  return {
    source: 'sample',
    signalSources: () => (sources ??= loadSampleSignalSources(sampleDir)),
    // The bundled files whole: the same for every symbol list.
    fingerprint: () =>
      (hash ??= Promise.all(SAMPLE_FILES.map((f) => readFile(join(sampleDir, f)))).then((files) => {
        const h = createHash('sha256');
        for (const bytes of files) h.update(bytes);
        return h.digest('hex');
      })),
  };
}
