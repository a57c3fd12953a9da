import type { ArtifactStore } from '../ports/artifact-store.ts';
import { getJson, putJson } from '../ports/artifact-store.ts';
import type { ModelRegistry, PromotionRecord } from '../ports/model-registry.ts';
import { METADATA_FILE, versionPrefix } from '../models/artifacts/model-files.ts';
import type { Comparison } from '../models/comparison.ts';
import { entryOfCurrent } from '../registry/promotion-history.ts';
import { decide, promotionMetric } from '../registry/promotion-rule.ts';
import type { TrainingPlan } from '../models/training-plan.ts';

export interface PromotionOutcome {
  promoted: boolean;
  /** The model that was current when the decision was made (null for the first model). */
  prior_version: string | null;
  reason: string;
  compared_on: 'first_model' | 'same_test_weeks' | 'not_compared';
  /** The comparison on the same weeks: the weeks, the sample count and both scores. */
  comparison?: Comparison | null;
}

interface VersionMetadata {
  metrics: Record<string, number>;
  comparison?: Comparison | null;
}

/**
 * Decides whether the run's model replaces the current one (seed rules: lower test loss, higher
 * eval_sharpe / eval_cagr), always on the same weeks: the trainer re-scored the current model on
 * the challenger's evaluation weeks. Without such a comparison against the model that is current
 * now (it moved during the run, or could not be scored) nothing is promoted: stored numbers from
 * different weeks are never compared. The pointer then moves by compare-and-swap from the version
 * the decision was made against, so two racing runs cannot both win; the move is recorded in the
 * kind's promotion history as automatic.
 *
 * The promotion rule, the same for a current model promoted automatically and for one a person chose
 * (`mizan promote` / `mizan rollback`): the run's model replaces it only if the run scored that very
 * model on the run's own test weeks and beats it strictly by the kind's metric, or if there is no
 * current model. So a manual choice is never silently undone: a run planned before it compared with
 * another model and promotes nothing; a later run must beat the chosen model itself.
 */
export async function decidePromotion(
  input: { plan: TrainingPlan; executionId?: string },
  deps: { store: ArtifactStore; registry: ModelRegistry },
): Promise<PromotionOutcome> {
  const { kind, version } = input.plan;
  const candidate = await getJson<VersionMetadata>(deps.store, `${versionPrefix(kind, version)}/${METADATA_FILE}`);
  if (!candidate) throw new Error(`${kind} ${version} has no metadata.json: the training job did not commit it`);

  const current = await deps.registry.current(kind);
  if (current === version) {
    // A re-run of the current version (e.g. to backfill its snapshots): the decision that made it current stands.
    const earlier = await getJson<PromotionOutcome>(deps.store, decisionKey(kind, version));
    return earlier?.promoted ? earlier : { promoted: true, prior_version: null, reason: 'already the current model', compared_on: 'first_model' };
  }

  const metric = promotionMetric(kind).name;
  const comparison = candidate.comparison ?? null;
  let decision: { promote: boolean; reason: string };
  let comparedOn: PromotionOutcome['compared_on'];
  if (!current) {
    decision = decide({ kind, candidate: candidate.metrics[metric] });
    comparedOn = 'first_model';
  } else if (comparison?.against === current && comparison.compared_on === 'same_test_weeks') {
    const weeks = comparison.weeks ? ` (${comparison.weeks.count} weeks ${comparison.weeks.first}..${comparison.weeks.last}, ${comparison.samples} samples)` : '';
    const made = decide({ kind, candidate: comparison.candidate_score, current: { version: current, score: comparison.current_score } });
    decision = { promote: made.promote, reason: `${made.reason}${weeks}` };
    comparedOn = 'same_test_weeks';
  } else {
    const why = comparison?.against === current ? comparison.reason : `the run was compared with ${comparison?.against ?? 'no model'}, but ${current} is current now`;
    decision = { promote: false, reason: `not compared with the current model ${current} on the same weeks (${why}): nothing promoted; train again to compare` };
    comparedOn = 'not_compared';
  }

  // Said in the reason when the current model was a person's choice, so the record shows the rule met it.
  const chosen = current === undefined ? undefined : entryOfCurrent(await deps.registry.history(kind), current);
  if (chosen?.trigger === 'manual') decision.reason += `; ${current} was made current by hand (${chosen.by}: "${chosen.reason}")`;

  let outcome: PromotionOutcome;
  const base = { prior_version: current ?? null, compared_on: comparedOn, comparison };
  const by = `run ${input.executionId ?? version}`;
  const record = (action: PromotionRecord['action'], reason: string): PromotionRecord => ({ trigger: 'automatic', action, by, reason });
  if (!decision.promote) {
    outcome = { promoted: false, reason: decision.reason, ...base };
  } else if (await deps.registry.move(kind, { expected: current, next: version, record: record('promote', decision.reason) })) {
    outcome = { promoted: true, reason: decision.reason, ...base };
  } else {
    outcome = { promoted: false, reason: `another run moved current away from ${current ?? 'none'} during this decision`, ...base };
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
