/**
 * "Record failure": first undoes this run's promotion if it moved `current` before failing
 * (src/pipeline/undo-promotion.ts), then marks the version FAILED with a readable cause, freeing
 * its claim. In that order: if the undo fails, the version stays RUNNING rather than FAILED under `current`.
 * A version this run's "Record result" already completed is left as it is (see below).
 */
import middy from '@middy/core';
import { recordFailure } from '../../src/pipeline/record-result.ts';
import { undoPromotion, type UndoOutcome } from '../../src/pipeline/undo-promotion.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { summariseCause } from '../shared/failure-cause.ts';
import { parseStateInput } from '../shared/state-input.ts';

export type RecordFailureOutcome = { recorded: true; promotionUndone: UndoOutcome } | { recorded: false; why: 'completed by this run' };

export function makeRecordFailureHandler(deps: { registry: ModelRegistry; store: ArtifactStore }) {
  return middy<unknown, RecordFailureOutcome>().handler(async (event) => {
    const state = parseStateInput(event);
    // "Record result" can store the response and still fail (its Lambda timed out, its reply was lost): the
    // version is complete and its response says whether it was promoted. Undoing the promotion would leave
    // `current` contradicting a SUCCEEDED record, and failing it is refused anyway.
    const record = await deps.registry.get(state.plan.kind, state.plan.version);
    if (record?.status === 'SUCCEEDED' && record.executionId === state.executionName) return { recorded: false, why: 'completed by this run' };
    const promotionUndone = await undoPromotion({ plan: state.plan, decidedInThisRun: state.promotion !== undefined }, deps);
    const error = state.error?.Error ?? 'States.Unknown';
    await recordFailure({ plan: state.plan, error, cause: summariseCause(state.error?.Cause) }, deps);
    return { recorded: true, promotionUndone };
  });
}
