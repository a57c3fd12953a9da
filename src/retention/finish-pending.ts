/**
 * The first thing a gc does: finish what an interrupted one began. For each tombstone (tombstones.ts):
 * - a version whose record is gone: its files are deleted (the step the crash cut short);
 * - a version whose record is still the one decided on (the crash came before its removal), or was
 *   claimed again since: the tombstone is dropped and this gc decides afresh;
 * - a snapshot: deleted unless another snapshot took its year's folder since.
 */
import { getJson, type ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { deleteSnapshot, deleteVersionFiles } from './delete-safely.ts';
import { isSnapshotTombstoneKey, PENDING_ROOT, versionTombstoneKey, type SnapshotTombstone, type VersionTombstone } from './tombstones.ts';

export interface Pending {
  versions: VersionTombstone[];
  snapshots: SnapshotTombstone[];
}

export async function readPending(store: ArtifactStore): Promise<Pending> {
  const pending: Pending = { versions: [], snapshots: [] };
  for (const key of await store.list(PENDING_ROOT)) {
    const tombstone = await getJson<VersionTombstone & SnapshotTombstone>(store, key); // written whole (atomic puts), before any deletion
    if (!tombstone) continue;
    if (isSnapshotTombstoneKey(key)) pending.snapshots.push(tombstone);
    else pending.versions.push(tombstone);
  }
  return pending;
}

/** Finishes the pending deletions; returns what it finished. */
export async function finishPending(pending: Pending, deps: { store: ArtifactStore; registry: ModelRegistry }): Promise<Pending> {
  const finished: Pending = { versions: [], snapshots: [] };
  for (const tombstone of pending.versions) {
    const record = await deps.registry.get(tombstone.kind, tombstone.version);
    if (record === undefined) {
      await deleteVersionFiles(tombstone, deps);
      finished.versions.push(tombstone);
    } else {
      await deps.store.delete(versionTombstoneKey(tombstone.kind, tombstone.version));
    }
  }
  for (const tombstone of pending.snapshots) {
    if (await deleteSnapshot(tombstone, deps)) finished.snapshots.push(tombstone);
  }
  return finished;
}
