/**
 * What `current` may point at: a SUCCEEDED version of that very kind whose committed files are
 * intact (metadata.json present, naming this kind and version, every file's sha256 matching).
 * Anything else is refused as bad input (400 / exit 2) before the pointer is touched.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import { MODEL_KINDS } from '../models/kinds.ts';
import { readModelFiles, versionPrefix } from '../models/artifacts/model-files.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry, VersionRecord } from '../ports/model-registry.ts';
import { isVersion } from '../registry/version.ts';
import { UserInputError } from '../config/errors.ts';

export async function assertPromotable(
  kind: ModelKind,
  version: string,
  deps: { registry: Pick<ModelRegistry, 'get'>; store: ArtifactStore },
): Promise<VersionRecord> {
  const refuse = (why: string) => new UserInputError(why, ['version']);
  const shown = version.slice(0, 80);
  if (!isVersion(version)) throw refuse(`"${shown}" is not a version: expected v{YYYY.MM.DD}-{hex}, e.g. v2026.01.05-abc123def456`);
  const record = await deps.registry.get(kind, version);
  if (!record) {
    // A version of another kind is named as such: the usual mistake is the wrong KIND, not a typo.
    const others = MODEL_KINDS.filter((other) => other !== kind);
    const owners = await Promise.all(others.map(async (other) => ((await deps.registry.get(other, version)) ? other : undefined)));
    const owner = owners.find((found) => found !== undefined);
    throw refuse(owner ? `${version} is a ${owner} version, not ${kind}` : `${kind} has no version ${version}`);
  }
  if (record.status !== 'SUCCEEDED') throw refuse(`${kind} ${version} is ${record.status}: only a SUCCEEDED version can be current`);

  let metadata: Record<string, unknown> | undefined;
  try {
    metadata = (await readModelFiles(deps.store, versionPrefix(kind, version)))?.metadata;
  } catch (error) {
    throw refuse(`${kind} ${version} cannot be current: ${(error as Error).message}`);
  }
  if (!metadata) throw refuse(`${kind} ${version} cannot be current: it has no ${versionPrefix(kind, version)}/metadata.json`);
  if (metadata.kind !== kind || metadata.version !== version) {
    throw refuse(`${kind} ${version} cannot be current: its metadata.json is that of ${String(metadata.kind)} ${String(metadata.version)}`);
  }
  return record;
}
