/**
 * "Record failure": first undoes this run's promotion if it moved `current` before failing
 * (src/pipeline/undo-promotion.ts), then marks the version FAILED with a readable cause, freeing
 * its claim. In that order: if the undo fails, the version stays RUNNING rather than FAILED under `current`.
 */
import middy from '@middy/core';
import { recordFailure } from '../../src/pipeline/record-result.ts';
import { undoPromotion, type UndoOutcome } from '../../src/pipeline/undo-promotion.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { summariseCause } from '../shared/failure-cause.ts';
import { parseStateInput } from '../shared/state-input.ts';

export function makeRecordFailureHandler(deps: { registry: ModelRegistry; store: ArtifactStore }) {
  return middy<unknown, { recorded: true; promotionUndone: UndoOutcome }>().handler(async (event) => {
    const state = parseStateInput(event);
    const promotionUndone = await undoPromotion({ plan: state.plan, decidedInThisRun: state.promotion !== undefined }, deps);
    const error = state.error?.Error ?? 'States.Unknown';
    await recordFailure({ plan: state.plan, error, cause: summariseCause(state.error?.Cause) }, deps);
    return { recorded: true, promotionUndone };
  });
}
