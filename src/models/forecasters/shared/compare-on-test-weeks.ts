/**
 * The fair comparison of a forecaster with the current model (the rule is models/comparison.ts):
 * both are scored on the challenger's test weeks, on the same (symbol, week) samples, the current
 * model re-scored there with its own config (lookback, channels). The current model saw every week
 * up to its last validation week (training, and the early-stopping choice).
 */
import { addDays } from '../../../data/dates.ts';
import type { WeeklySample } from '../../../features/weekly-dataset.ts';
import type { ArtifactStore } from '../../../ports/artifact-store.ts';
import type { MarketData } from '../../../ports/market-data.ts';
import type { SignalProvider } from '../../../ports/signals.ts';
import type { ModelRegistry } from '../../../ports/model-registry.ts';
import { readModelFiles, versionPrefix } from '../../artifacts/model-files.ts';
import { comparisonWeeks, tooFewWeeks, type Comparison } from '../../comparison.ts';
import type { TrainingPlan } from '../../training-plan.ts';
import { deserializeForecaster } from './forecaster-artifacts.ts';
import type { ForecasterTrainingConfig } from './forecaster-config.ts';
import { evaluateMse } from './forecaster-inference.ts';
import type { ForecasterModule } from './forecaster-module.ts';
import { FORECASTER_TRAITS } from './forecaster-spec.ts';
import type { LoadedForecaster } from './forecaster-types.ts';

export interface CompareDeps {
  store: ArtifactStore;
  registry: ModelRegistry;
  marketData: MarketData;
  signals?: SignalProvider;
}

/** The forecasters' promotion metric (forecaster-spec.ts): the MSE on the same test samples. */
const METRIC = { metric: FORECASTER_TRAITS.promotion.name, better: FORECASTER_TRAITS.promotion.better };

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
  const seenThrough = meta.split?.valLastWeek ?? meta.window?.end ?? null;

  const testWeeks = uniqueWeeks(testSamples);
  const incumbent = await deserializeForecaster(stored.files);
  try {
    const window = { start: testWeeks[0], end: addDays(testWeeks[testWeeks.length - 1], 6) };
    const incumbentSamples = await module.buildSamples({ marketData: deps.marketData, signals: deps.signals }, incumbent.config as ForecasterTrainingConfig, plan.symbols, window);
    const key = (s: WeeklySample) => `${s.symbol}|${s.week}`;
    const incumbentKeys = new Set(incumbentSamples.map(key));
    const scorable = testSamples.filter((s) => incumbentKeys.has(key(s)));
    const chosen = comparisonWeeks(uniqueWeeks(scorable), seenThrough);
    if (!chosen) return { against: current, compared_on: 'not_comparable', ...METRIC, reason: tooFewWeeks('test weeks') };
    const { weeks } = chosen;
    const weekSet = new Set(weeks);
    const shared = scorable.filter((s) => weekSet.has(s.week));
    const sharedKeys = new Set(shared.map(key));
    const incumbentShared = incumbentSamples.filter((s) => sharedKeys.has(key(s)));
    const seenNote = chosen.unseenOnly
      ? `${weeks.length} of the challenger's ${testWeeks.length} test weeks that neither model trained on`
      : `all ${weeks.length} of the challenger's test weeks both models can score (the current model saw weeks up to ${seenThrough ?? 'an unrecorded week'}: this favours it)`;
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

function uniqueWeeks(samples: readonly WeeklySample[]): string[] {
  return [...new Set(samples.map((s) => s.week))].sort();
}
