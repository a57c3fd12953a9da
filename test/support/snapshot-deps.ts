/**
 * What a snapshot job gets, for tests: the bundled sample's real universe (screened and ranked as
 * of each snapshot's cutoff, as in production), unless a test passes its own.
 */
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { MarketData } from '../../src/ports/market-data.ts';
import type { UniverseProvider } from '../../src/ports/universe.ts';
import { loadSampleFundamentals } from '../../src/universe/fundamentals.ts';
import { SampleUniverse } from '../../src/adapters/sample/sample-universe.ts';
import type { SignalReader } from '../../src/models/agents/env/build-panel.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { trainSnapshot } from '../../src/snapshots/train-snapshot.ts';
import { smokeForecasterPlan } from './smoke-forecaster-plan.ts';

export async function sampleUniverse(marketData: MarketData): Promise<UniverseProvider> {
  return new SampleUniverse(await loadSampleFundamentals(), marketData);
}

export async function snapshotDeps(store: ArtifactStore, marketData: MarketData, log: (line: string) => void = () => {}, universe?: UniverseProvider) {
  return { store, marketData, universe: universe ?? (await sampleUniverse(marketData)), log, backend: 'wasm' };
}

/** The smoke profile's lstm snapshots (2020 and 2021) in `store`: what an agent's walk-forward forecasts read. Returns the plan. */
export async function trainSmokeLstmSnapshots(store: ArtifactStore, marketData: MarketData): Promise<TrainingPlan> {
  const plan = await smokeForecasterPlan(marketData);
  const deps = await snapshotDeps(store, marketData);
  for (const yearEnd of plan.snapshotYearEnds) await trainSnapshot({ plan, yearEnd }, deps);
  return plan;
}

/** A signal reader that returns the real rows before `from` and absurd ones on and after it (a look-ahead probe). */
export function signalsChangedFrom(real: SignalReader, from: string): SignalReader {
  return (symbol, dates) => {
    const rows = real(symbol, dates);
    dates.forEach((d, i) => {
      if (d >= from) for (let c = 0; c < 6; c++) rows[i * 6 + c] = 1000 + i + c;
    });
    return rows;
  };
}
