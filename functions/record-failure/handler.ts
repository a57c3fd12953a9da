/** "Record failure": marks the version FAILED with a readable cause, freeing its claim; `current` is untouched. */
import middy from '@middy/core';
import { recordFailure } from '../../src/pipeline/record-result.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { summariseCause } from '../shared/failure-cause.ts';
import { parseStateInput } from '../shared/state-input.ts';

export function makeRecordFailureHandler(deps: { registry: ModelRegistry }) {
  return middy<unknown, { recorded: true }>().handler(async (event) => {
    const state = parseStateInput(event);
    const error = state.error?.Error ?? 'States.Unknown';
    await recordFailure({ plan: state.plan, error, cause: summariseCause(state.error?.Cause) }, deps);
    return { recorded: true };
  });
}
