/**
 * The fair comparison of a forecaster with the current model: both are scored on the challenger's
 * test weeks, on the same (symbol, week) samples, the current model re-scored there with its own
 * config (lookback, channels). Only the weeks neither model trained on count: the current model
 * "saw" every week up to its last validation week (training, and the early-stopping choice). If
 * that leaves none, all of the challenger's test weeks are used, which favours the current model,
 * so the rule stays conservative. Stored numbers from different weeks are never compared.
 */
import { addDays } from '../../../data/dates.ts';
import type { WeeklySample } from '../../../features/weekly-dataset.ts';
import type { TrainingPlan } from '../../../pipeline/plan.ts';
import type { ArtifactStore } from '../../../ports/artifact-store.ts';
import type { MarketData } from '../../../ports/market-data.ts';
import type { SignalProvider } from '../../../ports/signals.ts';
import type { ModelRegistry } from '../../../ports/model-registry.ts';
import { readModelFiles, versionPrefix } from '../../artifacts/model-files.ts';
import type { Comparison } from '../../comparison.ts';
import { deserializeForecaster } from './forecaster-artifacts.ts';
import type { ForecasterTrainingConfig } from './forecaster-config.ts';
import { evaluateMse } from './forecaster-inference.ts';
import type { ForecasterModule } from './forecaster-module.ts';
import type { LoadedForecaster } from './forecaster-types.ts';

export interface CompareDeps {
  store: ArtifactStore;
  registry: ModelRegistry;
  marketData: MarketData;
  signals?: SignalProvider;
}

const METRIC = { metric: 'test_loss', better: 'lower' } as const;

export async function compareOnTestWeeks(
  plan: TrainingPlan,
  challenger: LoadedForecaster,
  testSamples: readonly WeeklySample[],
  module: ForecasterModule,
  deps: CompareDeps,
): Promise<Comparison | null> {
  const current = await deps.registry.current(plan.kind);
  if (!current || current === plan.version) return null;
  const stored = await readModelFiles(deps.store, versionPrefix(plan.kind, current));
  if (!stored) return { against: current, compared_on: 'not_comparable', ...METRIC, reason: `current model ${current} has no readable artifacts` };
  const meta = stored.metadata as { split?: { valLastWeek?: string }; window?: { end?: string } };
  // Models from before the three-way split validated on every week after training: all seen.
  const seenThrough = meta.split?.valLastWeek ?? meta.window?.end;
  if (!seenThrough) return { against: current, compared_on: 'not_comparable', ...METRIC, reason: `current model ${current} does not record which weeks it saw` };

  const testWeeks = [...new Set(testSamples.map((s) => s.week))].sort();
  const unseen = testWeeks.filter((w) => w > seenThrough);
  const weeks = unseen.length > 0 ? unseen : testWeeks;
  const weekSet = new Set(weeks);

  const incumbent = await deserializeForecaster(stored.files);
  try {
    const window = { start: weeks[0], end: addDays(weeks[weeks.length - 1], 6) };
    const incumbentSamples = (await module.buildSamples({ marketData: deps.marketData, signals: deps.signals }, incumbent.config as ForecasterTrainingConfig, plan.symbols, window))
      .filter((s) => weekSet.has(s.week));
    const key = (s: WeeklySample) => `${s.symbol}|${s.week}`;
    const incumbentKeys = new Set(incumbentSamples.map(key));
    const shared = testSamples.filter((s) => weekSet.has(s.week) && incumbentKeys.has(key(s)));
    if (shared.length === 0) return { against: current, compared_on: 'not_comparable', ...METRIC, reason: 'no test sample both models can score' };
    const sharedKeys = new Set(shared.map(key));
    const incumbentShared = incumbentSamples.filter((s) => sharedKeys.has(key(s)));
    const seenNote =
      unseen.length > 0
        ? `${weeks.length} of the challenger's ${testWeeks.length} test weeks that neither model trained on`
        : `all ${testWeeks.length} of the challenger's test weeks (the current model saw weeks up to ${seenThrough}: this favours it)`;
    return {
      against: current,
      compared_on: 'same_test_weeks',
      ...METRIC,
      current_score: evaluateMse(incumbent, incumbentShared),
      candidate_score: evaluateMse(challenger, shared),
      weeks: { first: weeks[0], last: weeks[weeks.length - 1], count: weeks.length },
      samples: shared.length,
      reason: `both scored on ${shared.length} samples of ${seenNote}`,
    };
  } finally {
    incumbent.model.dispose();
  }
}
