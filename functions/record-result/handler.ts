/** "Record result": stores the seed response (the version is SUCCEEDED) and returns it as the execution's output. */
import middy from '@middy/core';
import { recordResult } from '../../src/pipeline/record-result.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { parseStateInput } from '../shared/state-input.ts';

export function makeRecordResultHandler(deps: { store: ArtifactStore; registry: ModelRegistry }) {
  return middy<unknown, Record<string, unknown>>().handler(async (event) => {
    const state = parseStateInput(event);
    if (!state.promotion) throw new Error('Record result needs the promotion decision ($.promotion)');
    return recordResult({ plan: state.plan, promotion: state.promotion, published: state.published ?? null }, deps);
  });
}
