/**
 * The fair comparison of a forecaster with the current model (the rule is models/comparison.ts):
 * both are scored on the challenger's test weeks, on the same (symbol, week) samples, the current
 * model re-scored there with its own config (lookback, channels). The current model saw every week
 * up to its last validation week (training, and the early-stopping choice). Beside the two MSEs, the
 * weekly series the promotion test runs on: each week's squared error averaged over its symbols.
 */
import { addDays } from '../../../data/dates.ts';
import type { WeeklySample } from '../../../features/weekly-dataset.ts';
import type { ArtifactStore } from '../../../ports/artifact-store.ts';
import type { MarketData } from '../../../ports/market-data.ts';
import type { SignalProvider } from '../../../ports/signals.ts';
import type { ModelRegistry } from '../../../ports/model-registry.ts';
import { readModelFiles, versionPrefix } from '../../artifacts/model-files.ts';
import { comparisonWeeks, tooFewWeeks, WEEKLY_MEASURES, type Comparison, type WeeklySeries } from '../../comparison.ts';
import type { TrainingPlan } from '../../training-plan.ts';
import { deserializeForecaster } from './forecaster-artifacts.ts';
import type { ForecasterTrainingConfig } from './forecaster-config.ts';
import { meanSquaredError, predict } from './forecaster-inference.ts';
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
    const candidatePredictions = predict(challenger, shared);
    const incumbentPredictions = predict(incumbent, incumbentShared);
    const seenNote = chosen.unseenOnly
      ? `${weeks.length} of the challenger's ${testWeeks.length} test weeks that neither model trained on`
      : `all ${weeks.length} of the challenger's test weeks both models can score (the current model saw weeks up to ${seenThrough ?? 'an unrecorded week'}: this favours it)`;
    return {
      against: current,
      compared_on: 'same_test_weeks',
      ...METRIC,
      current_score: meanSquaredError(incumbentPredictions, incumbentShared.map((s) => s.target)),
      candidate_score: meanSquaredError(candidatePredictions, shared.map((s) => s.target)),
      weeks: { first: weeks[0], last: weeks[weeks.length - 1], count: weeks.length },
      samples: shared.length,
      weekly: weeklyLosses(weeks, shared, candidatePredictions, incumbentShared, incumbentPredictions),
      reason: `both scored on ${shared.length} samples of ${seenNote}`,
    };
  } finally {
    incumbent.model.dispose();
  }
}

/**
 * Per week, each model's squared error averaged over that week's symbols (the same symbols for both:
 * the samples share their (symbol, week) keys), so that correlated symbols count as one observation.
 */
export function weeklyLosses(
  weeks: readonly string[],
  candidateSamples: readonly WeeklySample[],
  candidatePredictions: ArrayLike<number>,
  currentSamples: readonly WeeklySample[],
  currentPredictions: ArrayLike<number>,
): WeeklySeries {
  const byWeek = (samples: readonly WeeklySample[], predictions: ArrayLike<number>) => {
    const sums = new Map<string, { sum: number; count: number }>();
    samples.forEach((s, i) => {
      const entry = sums.get(s.week) ?? { sum: 0, count: 0 };
      entry.sum += (predictions[i] - s.target) ** 2;
      entry.count += 1;
      sums.set(s.week, entry);
    });
    return weeks.map((week) => {
      const entry = sums.get(week);
      if (!entry) throw new Error(`no sample of week ${week} to average`);
      return entry.sum / entry.count;
    });
  };
  return { weeks: [...weeks], candidate: byWeek(candidateSamples, candidatePredictions), current: byWeek(currentSamples, currentPredictions), measure: WEEKLY_MEASURES.loss };
}

function uniqueWeeks(samples: readonly WeeklySample[]): string[] {
  return [...new Set(samples.map((s) => s.week))].sort();
}
