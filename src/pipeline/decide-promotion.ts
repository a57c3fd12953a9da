import type { ArtifactStore } from '../ports/artifact-store.ts';
import { getJson, putJson } from '../ports/artifact-store.ts';
import type { ModelRegistry, PromotionRecord } from '../ports/model-registry.ts';
import { METADATA_FILE, versionPrefix } from '../models/artifacts/model-files.ts';
import type { Comparison } from '../models/comparison.ts';
import { entryOfCurrent } from '../registry/promotion-history.ts';
import { ageInWeeks, decide, promotionMetric, type PromotionRuleName, type PromotionTest } from '../registry/promotion-rule.ts';
import { promotionSettings, type PromotionSettings } from '../config/promotion.ts';
import type { TrainingPlan } from '../models/training-plan.ts';

export interface PromotionOutcome {
  promoted: boolean;
  /** The model that was current when the decision was made (null for the first model). */
  prior_version: string | null;
  reason: string;
  compared_on: 'first_model' | 'same_test_weeks' | 'not_compared';
  /** The comparison on the same weeks: the weeks, the sample count, both scores and the weekly series. */
  comparison?: Comparison | null;
  /** The rule that decided (src/registry/promotion-rule.ts); absent in decisions recorded before the promotion test. */
  rule?: PromotionRuleName;
  /** The test on the weekly series (method, statistic, one-sided p-values, level, weeks), when one was run. */
  test?: PromotionTest | null;
  /** The one-sided level the test was held to, and the age rule's threshold (weeks of data). */
  level?: number;
  max_age_weeks?: number;
  /** How many weeks of data the current model's window ends before this run's (null when unknown or for a first model). */
  age_weeks?: number | null;
}

interface VersionMetadata {
  metrics: Record<string, number>;
  comparison?: Comparison | null;
  window?: { end?: string };
}

/**
 * Decides whether the run's model replaces the current one, by the promotion rule
 * (src/registry/promotion-rule.ts, settings in src/config/promotion.ts): the first model is
 * promoted; after that a challenger is promoted when the test on the paired weekly series of the
 * same weeks (forecasters: Diebold–Mariano on the weekly losses; agents: the paired Sharpe
 * difference) says it is better at the level, or when the current model's data is old and the
 * challenger is not significantly worse. The trainer re-scored the current model on the
 * challenger's evaluation weeks; without such a comparison against the model that is current now
 * (it moved during the run) nothing is promoted: stored numbers from different weeks are never
 * compared. The pointer then moves by compare-and-swap from the version the decision was made
 * against, so two racing runs cannot both win; the move is recorded in the kind's promotion history
 * as automatic, with the rule, the test and the weeks in its reason.
 *
 * The rule is the same for a current model promoted automatically and for one a person chose
 * (`mizan promote` / `mizan rollback`), except that the age rule does not replace a model chosen by
 * hand: the run's model replaces it only if the run scored that very model on the run's own test
 * weeks and is significantly better. So a manual choice is never silently undone: a run planned
 * before it compared with another model and promotes nothing; a later run must beat the chosen model itself.
 */
export async function decidePromotion(
  input: { plan: TrainingPlan; executionId?: string },
  deps: { store: ArtifactStore; registry: ModelRegistry; promotion?: PromotionSettings },
): Promise<PromotionOutcome> {
  const { kind, version } = input.plan;
  const candidate = await getJson<VersionMetadata>(deps.store, `${versionPrefix(kind, version)}/${METADATA_FILE}`);
  if (!candidate) throw new Error(`${kind} ${version} has no metadata.json: the training job did not commit it`);

  const current = await deps.registry.current(kind);
  if (current === version) {
    // A re-run of the current version (e.g. to backfill its snapshots): the decision that made it current stands.
    const earlier = await getJson<PromotionOutcome>(deps.store, decisionKey(kind, version));
    return earlier?.promoted ? earlier : { promoted: true, prior_version: null, reason: 'already the current model', compared_on: 'first_model', rule: 'already_current' };
  }
  const settings = deps.promotion ?? promotionSettings(process.env);

  const metric = promotionMetric(kind).name;
  const comparison = candidate.comparison ?? null;
  // A person's choice is met by the rule without the age rule, and said in the reason.
  const chosen = current === undefined ? undefined : entryOfCurrent(await deps.registry.history(kind), current);
  const chosenByHand = chosen?.trigger === 'manual';
  let ageWeeks: number | null = null;
  if (current !== undefined) {
    const currentMeta = await getJson<VersionMetadata>(deps.store, `${versionPrefix(kind, current)}/${METADATA_FILE}`);
    ageWeeks = ageInWeeks(currentMeta?.window?.end, input.plan.window.end);
  }
  const decision = decide({
    kind,
    candidateMetric: candidate.metrics[metric],
    current: current === undefined ? undefined : { version: current, ageWeeks, chosenByHand },
    comparison,
    settings,
  });
  const comparedOn: PromotionOutcome['compared_on'] = current === undefined ? 'first_model' : decision.rule === 'not_compared' ? 'not_compared' : 'same_test_weeks';
  if (comparison?.against === current && comparison?.compared_on === 'same_test_weeks' && comparison.weeks) {
    decision.reason += ` [${comparison.metric} ${comparison.candidate_score} vs ${comparison.current_score} of ${current} over ${comparison.weeks.count} weeks ${comparison.weeks.first}..${comparison.weeks.last}, ${comparison.samples} samples; ${comparison.better} is better]`;
  }
  if (chosenByHand) decision.reason += `; ${current} was made current by hand (${chosen!.by}: "${chosen!.reason}")`;

  let outcome: PromotionOutcome;
  const base = {
    prior_version: current ?? null,
    compared_on: comparedOn,
    comparison,
    rule: decision.rule,
    test: decision.test,
    level: decision.level,
    max_age_weeks: decision.max_age_weeks,
    age_weeks: decision.age_weeks,
  };
  const by = `run ${input.executionId ?? version}`;
  // The history keeps the rule first in the reason: it has no other field for it.
  const record = (action: PromotionRecord['action'], reason: string): PromotionRecord => ({ trigger: 'automatic', action, by, reason });
  if (!decision.promote) {
    outcome = { promoted: false, reason: decision.reason, ...base };
  } else if (await deps.registry.move(kind, { expected: current, next: version, record: record('promote', `${decision.rule}: ${decision.reason}`) })) {
    outcome = { promoted: true, reason: decision.reason, ...base };
  } else {
    outcome = { promoted: false, reason: `another run moved current away from ${current ?? 'none'} during this decision`, ...base, rule: 'moved_meanwhile' };
  }
  try {
    await putJson(deps.store, decisionKey(kind, version), outcome);
  } catch (error) {
    // Record failure undoes a promotion from this record: without it, move the pointer back here.
    if (outcome.promoted) {
      await deps.registry.move(kind, { expected: version, next: current, record: record('undo', `the decision could not be stored (${(error as Error).message})`) });
    }
    throw error;
  }
  return outcome;
}

/** Where a version's promotion decision is kept (beside its run's snapshot outcomes). */
export function decisionKey(kind: string, version: string): string {
  return `runs/${kind}/${version}/promotion.json`;
}
