/** "Decide promotion": compares the new version with the current one and moves `current` (compare-and-swap). */
import middy from '@middy/core';
import { decidePromotion, type PromotionOutcome } from '../../src/pipeline/decide-promotion.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { parseStateInput, type StateInput } from '../shared/state-input.ts';

/** The execution is named in the history as who promoted. */
const decide = (state: StateInput, deps: { store: ArtifactStore; registry: ModelRegistry }) => decidePromotion({ plan: state.plan, executionId: state.executionName }, deps);

export function makeDecidePromotionHandler(deps: { store: ArtifactStore; registry: ModelRegistry }) {
  return middy<unknown, PromotionOutcome>().handler(async (event) => decide(parseStateInput(event), deps));
}
