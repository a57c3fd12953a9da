/**
 * The deletions, each in an order where every state in between is consistent:
 * - a version: its tombstone; then its registry record, by a conditional delete (a version claimed
 *   again since the decision keeps its record, and the gc leaves it); then metadata.json (the commit
 *   marker: from here no reader takes the folder for a model), the rest of its files and its run's
 *   records; the tombstone last. Nothing names a version while it goes: the plan deletes every
 *   version before those it names, and keeps whatever a kept version names.
 * - a snapshot: its tombstone, its metadata.json, its files, the tombstone.
 * Killed at any point, the next gc finds the tombstone and finishes (finish-pending.ts).
 */
import { METADATA_FILE, versionPrefix } from '../models/artifacts/model-files.ts';
import { getJson, putJson, type ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { snapshotPrefix } from '../snapshots/snapshot-paths.ts';
import { snapshotTombstoneKey, versionTombstoneKey, type SnapshotTombstone, type VersionTombstone } from './tombstones.ts';

export interface DeleteDeps {
  store: ArtifactStore;
  registry: ModelRegistry;
}

/** Returns false when the version was left alone (claimed again, or made current, since the decision). */
export async function deleteVersion(target: VersionTombstone, deps: DeleteDeps): Promise<boolean> {
  const tombstone = versionTombstoneKey(target.kind, target.version);
  await putJson(deps.store, tombstone, target);
  if (!(await deps.registry.remove(target.kind, target.version, target))) {
    await deps.store.delete(tombstone);
    return false;
  }
  await deleteVersionFiles(target, deps);
  return true;
}

/** After the record is gone: the files, the commit marker first, then the tombstone. */
export async function deleteVersionFiles(target: VersionTombstone, deps: DeleteDeps): Promise<void> {
  // A promotion racing the record's removal could have made it current: then its files stay (the
  // pointer must never name nothing), and the tombstone too, for a person to look at.
  if ((await deps.registry.current(target.kind)) === target.version) {
    throw new Error(`${target.kind} ${target.version} was made current while gc removed its record: its files are kept; restore its record or move current, then run gc again`);
  }
  const prefix = versionPrefix(target.kind, target.version);
  await deps.store.delete(`${prefix}/${METADATA_FILE}`);
  await deps.store.deletePrefix(prefix);
  await deps.store.deletePrefix(`runs/${target.kind}/${target.version}`);
  await deps.store.delete(versionTombstoneKey(target.kind, target.version));
}

/** Returns false when another snapshot took the year's folder since the decision (it stays). */
export async function deleteSnapshot(target: SnapshotTombstone, deps: DeleteDeps): Promise<boolean> {
  const tombstone = snapshotTombstoneKey(target.kind, target.yearEnd);
  await putJson(deps.store, tombstone, target);
  const prefix = snapshotPrefix(target.kind, target.yearEnd);
  const meta = await getJson<{ snapshot_key?: unknown }>(deps.store, `${prefix}/${METADATA_FILE}`);
  if (meta !== undefined && meta.snapshot_key !== target.key) {
    await deps.store.delete(tombstone);
    return false;
  }
  await deps.store.delete(`${prefix}/${METADATA_FILE}`);
  await deps.store.deletePrefix(prefix);
  await deps.store.delete(tombstone);
  return true;
}
