/**
 * `mizan publish KIND VERSION`: publishes a SUCCEEDED version again, e.g. after its run's upload
 * failed (its stored response then says `publish_error`). The same "Publish to Hugging Face" code as
 * the run: the version's branch, `main` if its decision promoted it and it is still current, its
 * snapshots. Idempotent: the publisher commits only what differs, so a repeat uploads nothing. On
 * success the stored response gets the branch (`hf_repo`, `hf_url`) and loses `publish_error`.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import type { Publisher } from '../ports/publisher.ts';
import { canonicalJson, isVersion } from '../registry/version.ts';
import { UserInputError } from '../config/errors.ts';
import { publishModel } from './publish.ts';

export interface PublishVersionOutcome {
  kind: ModelKind;
  version: string;
  hf_repo: string | null;
  hf_url: string | null;
  /** The run's upload error this publish made obsolete (null when there was none). */
  cleared_publish_error: string | null;
  /** Whether the stored response changed (false on a repeat: nothing to record). */
  recorded: boolean;
}

export async function publishVersion(
  input: { kind: ModelKind; version: string },
  deps: { store: ArtifactStore; registry: ModelRegistry; publisher: Publisher },
): Promise<PublishVersionOutcome> {
  const { kind, version } = input;
  if (!deps.publisher.enabled) throw new UserInputError('no Hugging Face repo is configured: set MIZAN_HF_REPO (org/name or org/mizan-{kind}) and HF_TOKEN');
  if (!isVersion(version)) throw new UserInputError(`"${String(version).slice(0, 80)}" is not a version: expected v{YYYY.MM.DD}-{hex}`, ['version']);
  const record = await deps.registry.get(kind, version);
  if (!record) throw new UserInputError(`${kind} has no version ${version}`, ['version']);
  if (record.status !== 'SUCCEEDED') throw new UserInputError(`${kind} ${version} is ${record.status}: only a SUCCEEDED version is published`, ['version']);

  const response = record.response ?? {};
  const snapshotYearEnds = Array.isArray(response.snapshots)
    ? (response.snapshots as { year_end?: unknown }[]).map((s) => s.year_end).filter((y): y is string => typeof y === 'string')
    : [];
  const published = await publishModel({ plan: { kind, version, snapshotYearEnds } }, deps);

  const { publish_error: cleared, ...rest } = response;
  // Existing keys keep their place: the response reads as the run wrote it, minus the error.
  const next = { ...rest, hf_repo: published.hf_repo, hf_url: published.hf_url };
  const recorded = canonicalJson(next) !== canonicalJson(response);
  if (recorded && !(await deps.registry.replaceResponse(kind, version, record.executionId, next))) {
    throw new Error(`${kind} ${version} was claimed by another run while publishing: its record is that run's now; publish again when it has ended`);
  }
  return { kind, version, ...published, cleared_publish_error: typeof cleared === 'string' ? cleared : null, recorded };
}
