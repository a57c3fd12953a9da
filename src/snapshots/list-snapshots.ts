import type { ForecasterKind } from '../config/model-kinds.ts';
import { getJson, type ArtifactStore } from '../ports/artifact-store.ts';
import { METADATA_FILE } from '../models/artifacts/model-files.ts';
import { parseSnapshotMetadata, type SnapshotMetadata } from './snapshot-metadata.ts';
import { assertForecasterKind, snapshotPrefix, snapshotsRoot, YEAR_END_PATTERN } from './snapshot-paths.ts';

export interface SnapshotSummary {
  yearEnd: string;
  key: string;
  configHash: string;
  trainingDataEnd: string;
  lastTrainingWeekEnd: string;
  symbols: string[];
  metrics: SnapshotMetadata['metrics'];
  createdAt: string;
}

/** The committed snapshots of `kind` (those with metadata.json), by year end ascending. */
export async function listSnapshots(store: ArtifactStore, kind: ForecasterKind): Promise<SnapshotSummary[]> {
  const metadata = await readAllSnapshotMetadata(store, kind);
  return metadata.map((meta) => ({
    yearEnd: meta.year_end,
    key: meta.snapshot_key,
    configHash: meta.config_hash,
    trainingDataEnd: meta.training_data_end,
    lastTrainingWeekEnd: meta.last_training_week_end,
    symbols: meta.symbols,
    metrics: meta.metrics,
    createdAt: meta.created_at,
  }));
}

/** Full metadata of every committed snapshot of `kind`, by year end ascending. */
export async function readAllSnapshotMetadata(store: ArtifactStore, kind: ForecasterKind): Promise<SnapshotMetadata[]> {
  assertForecasterKind(kind);
  const root = snapshotsRoot(kind);
  const yearEnds = new Set<string>();
  for (const key of await store.list(root)) {
    const [yearEnd, file] = key.slice(root.length + 1).split('/');
    if (file === METADATA_FILE && YEAR_END_PATTERN.test(yearEnd)) yearEnds.add(yearEnd);
  }
  const result: SnapshotMetadata[] = [];
  for (const yearEnd of [...yearEnds].sort()) {
    const where = `${snapshotPrefix(kind, yearEnd)}/${METADATA_FILE}`;
    const raw = await getJson<unknown>(store, where);
    if (raw !== undefined) result.push(parseSnapshotMetadata(raw, where));
  }
  return result;
}
