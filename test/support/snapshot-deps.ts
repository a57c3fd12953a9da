/**
 * What a snapshot job gets, for tests: the bundled sample's real universe (screened and ranked as
 * of each snapshot's cutoff, as in production), unless a test passes its own.
 */
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { MarketData } from '../../src/ports/market-data.ts';
import type { UniverseProvider } from '../../src/ports/universe.ts';
import type { ForecasterModule } from '../../src/models/forecasters/shared/forecaster-module.ts';
import { lstmModule } from '../../src/models/forecasters/lstm/lstm-module.ts';
import { loadSampleFundamentals } from '../../src/universe/fundamentals.ts';
import { SampleUniverse } from '../../src/universe/sample-universe.ts';

export const lstm = lstmModule as unknown as ForecasterModule;

export async function sampleUniverse(marketData: MarketData): Promise<UniverseProvider> {
  return new SampleUniverse(await loadSampleFundamentals(), marketData);
}

export async function snapshotDeps(store: ArtifactStore, marketData: MarketData, log: (line: string) => void = () => {}, universe?: UniverseProvider) {
  return { store, marketData, universe: universe ?? (await sampleUniverse(marketData)), log, backend: 'wasm' };
}
