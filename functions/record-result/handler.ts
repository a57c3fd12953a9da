/** "Record result": stores the seed response (the version is SUCCEEDED) and returns it as the execution's output. */
import middy from '@middy/core';
import { recordResult } from '../../src/pipeline/record-result.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { summariseCause } from '../shared/failure-cause.ts';
import { parseStateInput } from '../shared/state-input.ts';

export function makeRecordResultHandler(deps: { store: ArtifactStore; registry: ModelRegistry }) {
  return middy<unknown, Record<string, unknown>>().handler(async (event) => {
    const state = parseStateInput(event);
    if (!state.promotion) throw new Error('Record result needs the promotion decision ($.promotion)');
    const publishError = state.publishError ? `${state.publishError.Error}: ${summariseCause(state.publishError.Cause)}` : undefined;
    return recordResult({ plan: state.plan, promotion: state.promotion, published: state.published ?? null, publishError }, deps);
  });
}
