import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { Publisher } from '../ports/publisher.ts';
import type { TrainingPlan } from './plan.ts';
import { readModelFiles, versionPrefix } from '../models/artifacts/model-files.ts';

/** Publishes a run's model files (verified against metadata.json) through the configured publisher. */
export async function publishModel(input: { plan: TrainingPlan }, deps: { store: ArtifactStore; publisher: Publisher }): Promise<{ hf_repo: string | null; hf_url: string | null }> {
  if (!deps.publisher.enabled) return { hf_repo: null, hf_url: null };
  const { kind, version } = input.plan;
  const model = await readModelFiles(deps.store, versionPrefix(kind, version));
  if (!model) throw new Error(`${kind} ${version} has no committed artifacts to publish`);
  const files = { ...model.files, 'metadata.json': new TextEncoder().encode(JSON.stringify(model.metadata, null, 2)) };
  return deps.publisher.publish({ kind, version, files });
}
