/** "Decide promotion": compares the new version with the current one and moves `current` (compare-and-swap). */
import middy from '@middy/core';
import { decidePromotion, type PromotionOutcome } from '../../src/pipeline/decide-promotion.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { parseStateInput } from '../shared/state-input.ts';

export function makeDecidePromotionHandler(deps: { store: ArtifactStore; registry: ModelRegistry }) {
  return middy<unknown, PromotionOutcome>().handler(async (event) => decidePromotion({ plan: parseStateInput(event).plan }, deps));
}
