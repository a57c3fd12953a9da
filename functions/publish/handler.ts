/** "Publish to Hugging Face": uploads the version (and its snapshots) through the configured publisher. */
import middy from '@middy/core';
import { publishModel, type PublishResult } from '../../src/pipeline/publish.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import type { Publisher } from '../../src/ports/publisher.ts';
import { parseStateInput } from '../shared/state-input.ts';

export function makePublishHandler(deps: { store: ArtifactStore; registry: ModelRegistry; publisher: Publisher }) {
  return middy<unknown, PublishResult>().handler(async (event) => {
    const state = parseStateInput(event);
    // The decision of this run ("Decide promotion" ran before): whether `main` moves too, and the card's reason.
    return publishModel({ plan: state.plan, promotion: state.promotion ?? null }, deps);
  });
}
