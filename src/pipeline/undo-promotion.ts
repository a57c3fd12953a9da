import type { ArtifactStore } from '../ports/artifact-store.ts';
import { getJson } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { decisionKey, type PromotionOutcome } from './decide-promotion.ts';
import type { TrainingPlan } from '../models/training-plan.ts';

export type UndoOutcome =
  | { undone: true; restoredTo: string | null }
  | { undone: false; why: 'not decided in this run' | 'not promoted' | 'no longer current' };

/**
 * The compensation of "Record failure": a run that moved `current` in "Decide promotion" and then
 * failed (Publish, Record result) must not leave `current` on a version recorded FAILED. If this
 * version's stored decision says promoted and `current` is still this version, `current` moves back
 * to the decision's prior version (or is cleared for a first model), by compare-and-swap: a run
 * that has promoted another version since is left alone. The move is recorded in the history as an undo.
 *
 * `decidedInThisRun` (the state carries `promotion`) keeps a failure before "Decide promotion"
 * from touching `current`: e.g. a failed snapshot backfill of the version that is already current
 * (a reopened run) must not demote it. A reopened run failing after its decision does move `current`
 * back: the version is then FAILED, and the next identical request retries and decides again.
 */
export async function undoPromotion(
  input: { plan: TrainingPlan; decidedInThisRun: boolean },
  deps: { store: ArtifactStore; registry: ModelRegistry },
): Promise<UndoOutcome> {
  const { kind, version } = input.plan;
  if (!input.decidedInThisRun) return { undone: false, why: 'not decided in this run' };
  const decision = await getJson<PromotionOutcome>(deps.store, decisionKey(kind, version));
  if (!decision?.promoted) return { undone: false, why: 'not promoted' };
  const previous = decision.prior_version ?? undefined;
  const record = { trigger: 'automatic' as const, action: 'undo' as const, by: `run ${version}`, reason: `the run of ${version} failed after promoting it` };
  if (!(await deps.registry.move(kind, { expected: version, next: previous, record }))) return { undone: false, why: 'no longer current' };
  return { undone: true, restoredTo: previous ?? null };
}
