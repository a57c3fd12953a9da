import type { ArtifactStore } from '../ports/artifact-store.ts';
import { getJson, putJson } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { decide, promotionMetric } from '../registry/promotion-rule.ts';
import type { TrainingPlan } from './plan.ts';
import type { Comparison } from './train-job.ts';
import { METADATA_FILE, versionPrefix } from '../models/artifacts/model-files.ts';

export interface PromotionOutcome {
  promoted: boolean;
  /** The model that was current when the decision was made (null for the first model). */
  prior_version: string | null;
  reason: string;
  compared_on: 'first_model' | 'same_holdout' | 'stored_metrics';
}

interface VersionMetadata {
  metrics: Record<string, number>;
  comparison?: Comparison | null;
}

/**
 * Decides whether the run's model replaces the current one (seed rules: lower val_loss,
 * higher eval_sharpe / eval_cagr), then moves `current` with a compare-and-swap from the
 * version the decision was made against, so two racing runs cannot both win.
 */
export async function decidePromotion(input: { plan: TrainingPlan }, deps: { store: ArtifactStore; registry: ModelRegistry }): Promise<PromotionOutcome> {
  const { kind, version } = input.plan;
  const candidate = await getJson<VersionMetadata>(deps.store, `${versionPrefix(kind, version)}/${METADATA_FILE}`);
  if (!candidate) throw new Error(`${kind} ${version} has no metadata.json: the training job did not commit it`);

  const current = await deps.registry.current(kind);
  if (current === version) {
    // A re-run of the current version (e.g. to backfill its snapshots): the decision that made it current stands.
    const earlier = await getJson<PromotionOutcome>(deps.store, decisionKey(kind, version));
    return earlier?.promoted ? earlier : { promoted: true, prior_version: null, reason: 'already the current model', compared_on: 'first_model' };
  }

  let decision: { promote: boolean; reason: string };
  let comparedOn: PromotionOutcome['compared_on'];
  if (!current) {
    decision = decide({ kind, candidate: candidate.metrics });
    comparedOn = 'first_model';
  } else if (candidate.comparison?.against === current && candidate.comparison.compared_on === 'same_holdout') {
    // The trainer evaluated the current model on this run's held-out set: compare like with like
    // (both on the same samples, when it had to leave out weeks the current model trained on).
    const metric = promotionMetric(kind).name;
    const { candidate_val_loss: candidateOnSame } = candidate.comparison;
    decision = decide({
      kind,
      candidate: candidateOnSame === undefined ? candidate.metrics : { ...candidate.metrics, [metric]: candidateOnSame },
      current: { version: current, metrics: { [metric]: candidate.comparison.current_val_loss as number }, comparedOn: 'same_holdout' },
    });
    comparedOn = 'same_holdout';
  } else {
    const stored = await getJson<VersionMetadata>(deps.store, `${versionPrefix(kind, current)}/${METADATA_FILE}`);
    decision = decide({ kind, candidate: candidate.metrics, current: { version: current, metrics: stored?.metrics ?? {}, comparedOn: 'stored_metrics' } });
    comparedOn = 'stored_metrics';
  }

  let outcome: PromotionOutcome;
  if (!decision.promote) {
    outcome = { promoted: false, prior_version: current ?? null, reason: decision.reason, compared_on: comparedOn };
  } else if (await deps.registry.promote(kind, current, version)) {
    outcome = { promoted: true, prior_version: current ?? null, reason: decision.reason, compared_on: comparedOn };
  } else {
    outcome = { promoted: false, prior_version: current ?? null, reason: `another run moved current away from ${current ?? 'none'} during this decision`, compared_on: comparedOn };
  }
  await putJson(deps.store, decisionKey(kind, version), outcome);
  return outcome;
}

/** Where a version's promotion decision is kept (beside its run's snapshot outcomes). */
function decisionKey(kind: string, version: string): string {
  return `runs/${kind}/${version}/promotion.json`;
}
