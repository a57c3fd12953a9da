/** "Publish to Hugging Face": uploads the version's files through the configured publisher. */
import middy from '@middy/core';
import { publishModel } from '../../src/pipeline/publish.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { Publisher } from '../../src/ports/publisher.ts';
import { parseStateInput } from '../shared/state-input.ts';

export function makePublishHandler(deps: { store: ArtifactStore; publisher: Publisher }) {
  return middy<unknown, { hf_repo: string | null; hf_url: string | null }>().handler(async (event) =>
    publishModel({ plan: parseStateInput(event).plan }, deps),
  );
}
