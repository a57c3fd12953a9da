/**
 * The adapters of the embedded default, built once from a data dir: artifacts and the registry
 * under `dataDir`, a Hugging Face publisher when MIZAN_HF_REPO is set, and prices, universe and signals from either the bundled sample
 * (default, offline) or Yahoo (yahoo-finance2, cached in the data dir so a window is fetched once).
 */
import { resolve } from 'node:path';
import { DirArtifactStore } from '../adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../adapters/local/local-model-registry.ts';
import { DEFAULT_SAMPLE_DIR } from '../data/sample-dir.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { MarketData } from '../ports/market-data.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { publisherFromEnv } from '../adapters/hf/hub-env.ts';
import type { Publisher } from '../ports/publisher.ts';
import type { SignalProvider } from '../ports/signals.ts';
import type { UniverseProvider } from '../ports/universe.ts';
import { marketSources, type DataSource } from './market-sources.ts';

export type { DataSource } from './market-sources.ts';

export interface LocalDeps {
  dataDir: string;
  store: ArtifactStore;
  registry: ModelRegistry;
  marketData: MarketData;
  universe: UniverseProvider;
  signals: SignalProvider;
  publisher: Publisher;
}

export async function localDeps(options: { dataDir: string; sampleDir?: string; source?: DataSource }): Promise<LocalDeps> {
  const dataDir = resolve(options.dataDir);
  const store = new DirArtifactStore(dataDir);
  const sources = await marketSources(options.source ?? 'sample', { sampleDir: options.sampleDir ?? DEFAULT_SAMPLE_DIR, store });
  // Publishing to the Hub only when MIZAN_HF_REPO is set (HF_TOKEN, HF_ENDPOINT): the offline default publishes nothing.
  return { dataDir, store, registry: new LocalModelRegistry(dataDir), publisher: publisherFromEnv(process.env), ...sources };
}
