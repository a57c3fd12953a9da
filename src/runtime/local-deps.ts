/**
 * The adapters of the embedded default, built once from a data dir: artifacts and the registry
 * under `dataDir`, prices and the Shariah screen from the bundled sample, no publisher.
 */
import { resolve } from 'node:path';
import { DirArtifactStore } from '../adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../adapters/local/local-model-registry.ts';
import { DEFAULT_SAMPLE_DIR, SampleMarketData } from '../data/sample-market-data.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { MarketData } from '../ports/market-data.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { noPublisher, type Publisher } from '../ports/publisher.ts';
import type { UniverseProvider } from '../ports/universe.ts';
import { loadSampleFundamentals } from '../universe/fundamentals.ts';
import { SampleUniverse } from '../universe/sample-universe.ts';

export interface LocalDeps {
  dataDir: string;
  store: ArtifactStore;
  registry: ModelRegistry;
  marketData: MarketData;
  universe: UniverseProvider;
  publisher: Publisher;
}

export async function localDeps(options: { dataDir: string; sampleDir?: string }): Promise<LocalDeps> {
  const dataDir = resolve(options.dataDir);
  const sampleDir = options.sampleDir ?? DEFAULT_SAMPLE_DIR;
  const marketData = new SampleMarketData(sampleDir);
  const fundamentals = await loadSampleFundamentals(sampleDir);
  return {
    dataDir,
    store: new DirArtifactStore(dataDir),
    registry: new LocalModelRegistry(dataDir),
    marketData,
    universe: new SampleUniverse(fundamentals, marketData),
    publisher: noPublisher,
  };
}
