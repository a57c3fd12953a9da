/** What retention decides on: per kind its versions and what they reference, and the forecaster snapshots. */
import type { ForecasterKind, ModelKind } from '../config/model-kinds.ts';
import type { VersionStatus } from '../ports/model-registry.ts';
import type { References } from './references.ts';

export interface VersionFacts {
  kind: ModelKind;
  version: string;
  status: VersionStatus;
  executionId: string;
  /** When the run finished (when it was claimed, while it runs): what `--older-than` measures. */
  at: string;
  /** Stored under models/{kind}/{version}/ and runs/{kind}/{version}/. */
  bytes: number;
  files: number;
  references: References;
}

export interface SnapshotFacts {
  kind: ForecasterKind;
  yearEnd: string;
  /** Null when the folder has no metadata.json (a snapshot whose write never finished). */
  key: string | null;
  createdAt: string | null;
  bytes: number;
  files: number;
}

export interface KindFacts {
  kind: ModelKind;
  current: string | undefined;
  /** The versions `current` pointed at, most recent first (promotion-order.ts). */
  promoted: string[];
  versions: VersionFacts[];
}

export interface Inventory {
  kinds: KindFacts[];
  snapshots: SnapshotFacts[];
}
