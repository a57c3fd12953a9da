import type { ForecasterKind } from '../config/model-kinds.ts';

/**
 * metadata.json of a snapshot (snake_case, like a version's metadata). Written last by
 * writeModelFiles: a snapshot folder without it is not a snapshot.
 */
export interface SnapshotMetadata {
  kind: ForecasterKind;
  snapshot_key: string;
  year_end: string;
  /** The cutoff: no bar after this date was read. Always equal to year_end. */
  training_data_end: string;
  /** weekEnd of the latest target week the model was fitted or validated on (<= training_data_end). */
  last_training_week_end: string;
  window: { start: string; end: string };
  /** The universe as of the cutoff (screened and ranked then), not the run's. */
  symbols: string[];
  universe_as_of?: string;
  config: Record<string, unknown>;
  config_hash: string;
  seed: number;
  source: string;
  data_fingerprint: string;
  /** Kinds with signal channels: the rows of news and statements read up to the cutoff (in the key). */
  signal_fingerprint?: string;
  code_version: string;
  backend: string;
  metrics: { train_loss: number; val_loss: number; baseline_loss: number; test_loss?: number };
  best_epoch: number;
  train_seconds: number;
  /** The run (plan version) that made it; informational, not part of the key. */
  made_by_version: string;
  created_at: string;
  files: Record<string, string>;
}

/** Throws unless `value` has the fields readers rely on (a hand-edited or foreign file fails clearly). */
export function parseSnapshotMetadata(value: unknown, where: string): SnapshotMetadata {
  const meta = value as Partial<SnapshotMetadata> | null;
  const problems: string[] = [];
  if (!meta || typeof meta !== 'object') throw new Error(`${where}: metadata is not an object`);
  for (const field of ['snapshot_key', 'year_end', 'training_data_end', 'last_training_week_end', 'config_hash'] as const) {
    if (typeof meta[field] !== 'string') problems.push(`${field} missing`);
  }
  if (!Array.isArray(meta.symbols)) problems.push('symbols missing');
  if (!meta.config || typeof meta.config !== 'object') problems.push('config missing');
  if (problems.length > 0) throw new Error(`${where}: not a snapshot metadata file (${problems.join(', ')})`);
  return meta as SnapshotMetadata;
}
