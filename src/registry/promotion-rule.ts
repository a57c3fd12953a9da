import type { ModelKind } from '../config/model-kinds.ts';
import { DEFAULT_PROMOTION_SETTINGS, type PromotionSettings } from '../config/promotion.ts';
import { kindSpec } from '../models/kinds.ts';
import type { PromotionMetric } from '../models/kind-spec.ts';
import { WEEKLY_MEASURES, type Comparison, type WeeklySeries } from '../models/comparison.ts';
import { dieboldMariano } from '../stats/diebold-mariano.ts';
import { sharpeDifference } from '../stats/sharpe.ts';

export type { PromotionMetric } from '../models/kind-spec.ts';

/**
 * The metric a kind reports its first model by, and which direction is better (the seed's metrics):
 * forecasters the MSE on the test weeks, PPO eval_sharpe, SAC eval_cagr. Each kind declares its own
 * (src/models/kinds.ts). After the first model, the test on the weekly series decides (below).
 */
export function promotionMetric(kind: ModelKind): PromotionMetric {
  return kindSpec(kind).promotion;
}

/**
 * The rule that decided, as recorded:
 * - `first_model`: no current model; the challenger is promoted (if its metric is a finite number).
 * - `significantly_better`: the test says the challenger is better at the level.
 * - `age`: the current model's data ends at least maxAgeWeeks before the challenger's, and the challenger is not significantly worse.
 * - `not_significant`: tested, not better at the level, and the current model is not that old (or was chosen by hand).
 * - `significantly_worse`: the test says the challenger is worse at the level (the age rule cannot promote it).
 * - `no_test`: no test could be run (no weekly series, too few weeks, the current model could not be scored) and the age rule does not apply.
 * - `current_unscorable`: the current model's weekly series has non-finite values and the challenger's has none.
 * - `not_compared`: the challenger was not compared with the model that is current now (nothing promoted; train again).
 * - `no_score`: the challenger has no finite metric (first model) or non-finite weekly values.
 * - `already_current` / `moved_meanwhile`: set by decide-promotion (a re-run of the current version; a lost compare-and-swap).
 */
export type PromotionRuleName =
  | 'first_model'
  | 'significantly_better'
  | 'age'
  | 'not_significant'
  | 'significantly_worse'
  | 'no_test'
  | 'current_unscorable'
  | 'not_compared'
  | 'no_score'
  | 'already_current'
  | 'moved_meanwhile';

export type PromotionTestMethod = 'diebold_mariano' | 'sharpe_difference';

/** The test on the paired weekly series, as recorded with the decision. */
export interface PromotionTest {
  /** Diebold–Mariano (HLN-corrected, Newey–West variance) on the weekly loss differential; or the Jobson–Korkie test of the Sharpe difference with Memmel's correction. */
  method: PromotionTestMethod;
  /** What the weekly values are (src/models/comparison.ts WEEKLY_MEASURES). */
  measure: string;
  /** Oriented so that negative favours the challenger for DM (loss differential), positive for the Sharpe difference; null when not finite. */
  statistic: number | null;
  /** One-sided p-value of "the challenger is better". */
  p_value: number;
  /** One-sided p-value of "the challenger is worse" (what the age rule checks). */
  p_value_worse: number;
  level: number;
  /** DM: mean weekly loss of the challenger minus the current model's; Sharpe: the annualised Sharpe of the challenger minus the current model's. */
  difference: number;
  /** Sharpe only: the annualised gain `p_value` tests the challenger against (settings.minSharpeGain). */
  margin?: number;
  weeks: { first: string; last: string; count: number };
}

export interface PromotionInput {
  kind: ModelKind;
  /** The challenger's own metric (the kind's promotion metric), reported for a first model. */
  candidateMetric: number | null | undefined;
  /** The model that is current now, if any: its age in weeks of data (null when unknown) and whether a person made it current. */
  current?: { version: string; ageWeeks: number | null; chosenByHand?: boolean };
  /** The comparison the trainer recorded in the challenger's metadata. */
  comparison?: Comparison | null;
  settings?: PromotionSettings;
}

export interface PromotionDecision {
  promote: boolean;
  rule: PromotionRuleName;
  reason: string;
  /** The test, when one was run. */
  test: PromotionTest | null;
  level: number;
  /** The current model's age in weeks of data, when known (null for a first model or when its window is not recorded). */
  age_weeks: number | null;
  max_age_weeks: number;
}

/** The test on a comparison's weekly series, or why none can be run. Pure. */
export function promotionTest(weekly: WeeklySeries | undefined, settings: PromotionSettings = DEFAULT_PROMOTION_SETTINGS): { test: PromotionTest } | { none: string; unscorable?: 'current' | 'candidate' } {
  if (!weekly) return { none: 'the comparison has no weekly series (made before the promotion test existed)' };
  const { weeks, candidate, current, measure } = weekly;
  if (candidate.length !== weeks.length || current.length !== weeks.length) {
    return { none: `the weekly series are of unequal length (${weeks.length} weeks, ${candidate.length} and ${current.length} values)` };
  }
  if (weeks.length < settings.minWeeks) return { none: `${weeks.length} paired weeks, fewer than the ${settings.minWeeks} a test needs` };
  const finite = (values: readonly number[]) => values.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!finite(candidate)) return { none: "the challenger's weekly values are not all finite", unscorable: 'candidate' };
  if (!finite(current)) return { none: "the current model's weekly values are not all finite", unscorable: 'current' };
  const span = { first: weeks[0]!, last: weeks.at(-1)!, count: weeks.length };
  const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);
  if (measure === WEEKLY_MEASURES.loss) {
    const dm = dieboldMariano(candidate, current);
    return {
      test: { method: 'diebold_mariano', measure, statistic: finiteOrNull(dm.statistic), p_value: dm.pValue, p_value_worse: 1 - dm.pValue, level: settings.level, difference: dm.meanDifference, weeks: span },
    };
  }
  if (measure === WEEKLY_MEASURES.returns) {
    // Better: by at least the margin, significantly; worse: significantly below equal Sharpe ratios.
    const better = sharpeDifference(candidate, current, settings.minSharpeGain);
    const equal = sharpeDifference(candidate, current);
    return {
      test: {
        method: 'sharpe_difference', measure, statistic: finiteOrNull(better.statistic), p_value: better.pValue, p_value_worse: 1 - equal.pValue,
        level: settings.level, difference: better.difference, margin: settings.minSharpeGain, weeks: span,
      },
    };
  }
  return { none: `no test for weekly values measured as "${measure}"` };
}

const METHOD_NAMES: Record<PromotionTestMethod, string> = {
  diebold_mariano: 'Diebold–Mariano test on the weekly loss differential (HLN, Newey–West)',
  sharpe_difference: 'paired Sharpe-difference test (Jobson–Korkie, Memmel)',
};

/** One line: the test, its statistic and both one-sided p-values, and the weeks. */
export function describeTest(test: PromotionTest): string {
  const stat = test.statistic === null ? 'n/a' : test.statistic.toFixed(3);
  const diff =
    test.method === 'diebold_mariano'
      ? `mean weekly loss difference ${test.difference.toExponential(3)}`
      : `Sharpe difference ${test.difference.toFixed(3)} (better means by more than ${test.margin ?? 0})`;
  return (
    `${METHOD_NAMES[test.method]} on ${test.weeks.count} weeks ${test.weeks.first}..${test.weeks.last}: ` +
    `statistic ${stat}, ${diff}, one-sided p ${formatP(test.p_value)} (better) / ${formatP(test.p_value_worse)} (worse), level ${test.level}`
  );
}

function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/**
 * The promotion rule (pure). The first model is promoted. After that, only on a comparison made
 * against the model that is current now, on the paired weekly series of the same weeks:
 * 1. promoted when the challenger is significantly better (one-sided p < level);
 * 2. else promoted when the current model is old (its data ends at least maxAgeWeeks weeks before
 *    the challenger's) and the challenger is not significantly worse (the other one-sided p ≥ level),
 *    also when no test could be run (no weekly series, too few weeks): it is then not shown to be
 *    worse. The age rule does not apply to a model a person made current: a later run must beat it;
 * 3. else not promoted.
 * A current model whose weekly values are not finite cannot be defended: a finite challenger replaces it.
 */
export function decide(input: PromotionInput): PromotionDecision {
  const settings = input.settings ?? DEFAULT_PROMOTION_SETTINGS;
  const { current, comparison } = input;
  const base = { level: settings.level, max_age_weeks: settings.maxAgeWeeks, age_weeks: current?.ageWeeks ?? null, test: null };
  const made = (promote: boolean, rule: PromotionRuleName, reason: string, test: PromotionTest | null = null): PromotionDecision => ({ ...base, promote, rule, reason, test });

  if (current === undefined) {
    const metric = promotionMetric(input.kind);
    const value = input.candidateMetric;
    if (typeof value !== 'number' || !Number.isFinite(value)) return made(false, 'no_score', `candidate ${metric.name} is ${String(value)}, not a finite number`);
    return made(true, 'first_model', `first ${input.kind} model (${metric.name}=${value})`);
  }
  if (!comparison || comparison.against !== current.version) {
    const why = comparison ? `the run was compared with ${comparison.against}, but ${current.version} is current now` : 'the run was compared with no model';
    return made(false, 'not_compared', `not compared with the current model ${current.version} on the same weeks (${why}): nothing promoted; train again to compare`);
  }

  const outcome = comparison.compared_on === 'same_test_weeks' ? promotionTest(comparison.weekly, settings) : { none: `not comparable: ${comparison.reason}` };
  const test = 'test' in outcome ? outcome.test : null;
  if (!test && 'unscorable' in outcome && outcome.unscorable === 'candidate') return made(false, 'no_score', `not promoted: ${outcome.none}`);
  if (!test && 'unscorable' in outcome && outcome.unscorable === 'current') {
    return made(true, 'current_unscorable', `promoted: ${outcome.none} on the same weeks (a current model that cannot score the weeks cannot be defended)`);
  }
  const tested = test ? describeTest(test) : `no test: ${(outcome as { none: string }).none}`;
  if (test && test.p_value < settings.level) return made(true, 'significantly_better', `significantly better than ${current.version}: ${tested}`, test);

  const worse = test !== null && test.p_value_worse < settings.level;
  const age = current.ageWeeks;
  const old = age !== null && age >= settings.maxAgeWeeks;
  const ageNote =
    age === null
      ? `the age of ${current.version} is unknown`
      : `${current.version}'s data ends ${age} week${age === 1 ? '' : 's'} before this run's (the age rule needs ${settings.maxAgeWeeks})`;
  if (old && !worse && !current.chosenByHand) {
    return made(true, 'age', `${ageNote}, and the challenger is not significantly worse: promoted by age; ${tested}`, test);
  }
  const handNote = old && current.chosenByHand ? `; the age rule does not apply to a model made current by hand` : '';
  if (worse) return made(false, 'significantly_worse', `not promoted: significantly worse than ${current.version}; ${tested}; ${ageNote}${handNote}`, test);
  if (test) return made(false, 'not_significant', `not promoted: not significantly better than ${current.version}; ${tested}; ${ageNote}${handNote}`, test);
  return made(false, 'no_test', `not promoted: ${tested}; ${ageNote}${handNote}`);
}

/** Whole weeks from the current model's window end to the challenger's (negative when the challenger's data ends first); null when either is not a date. */
export function ageInWeeks(currentWindowEnd: string | undefined, candidateWindowEnd: string): number | null {
  if (!currentWindowEnd) return null;
  const from = Date.parse(`${currentWindowEnd}T00:00:00Z`);
  const to = Date.parse(`${candidateWindowEnd}T00:00:00Z`);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
  return Math.floor((to - from) / (7 * 86_400_000));
}
