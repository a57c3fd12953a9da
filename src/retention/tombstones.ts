/**
 * What a gc is in the middle of deleting, written before it removes anything and deleted last:
 * `gc/pending/{kind}/{version}.json` and `gc/pending/snapshots/{kind}/{yearEnd}.json`. A gc killed
 * half-way leaves its tombstone, and the next one finishes the deletion it names (finish-pending.ts).
 * A folder without a registry record and without a tombstone (a model `mizan pull` restored) is
 * never touched: only what a gc decided to delete is.
 */
import type { ForecasterKind, ModelKind } from '../config/model-kinds.ts';
import type { RemoveExpectation } from '../ports/model-registry.ts';

export const PENDING_ROOT = 'gc/pending';

export interface VersionTombstone extends RemoveExpectation {
  kind: ModelKind;
  version: string;
}

export interface SnapshotTombstone {
  kind: ForecasterKind;
  yearEnd: string;
  /** The snapshot decided on (null: a folder without metadata.json); another key there now is left alone. */
  key: string | null;
}

export function versionTombstoneKey(kind: string, version: string): string {
  return `${PENDING_ROOT}/${kind}/${version}.json`;
}

export function snapshotTombstoneKey(kind: string, yearEnd: string): string {
  return `${PENDING_ROOT}/snapshots/${kind}/${yearEnd}.json`;
}

export function isSnapshotTombstoneKey(key: string): boolean {
  return key.startsWith(`${PENDING_ROOT}/snapshots/`);
}
