/**
 * What a version needs to stay usable, read from what it stored: an agent its base version (a
 * fine-tune starts from it), the forecaster snapshots its panel read and, when it read no snapshot,
 * the forecaster's final model; a forecaster the snapshot years its run trained or kept. Retention
 * keeps whatever a kept version names here, and the acceptance test walks the same list.
 */
import type { ForecasterKind, ModelKind } from '../config/model-kinds.ts';
import { isForecasterKind, isModelKind, kindSpec } from '../models/kinds.ts';
import { isVersion } from '../registry/version.ts';
import { YEAR_END_PATTERN } from '../snapshots/snapshot-paths.ts';

export interface VersionRef {
  kind: ModelKind;
  version: string;
}

export interface SnapshotRef {
  kind: ForecasterKind;
  yearEnd: string;
}

export interface References {
  versions: VersionRef[];
  snapshots: SnapshotRef[];
}

/** The forecaster whose snapshots a kind's versions name: a forecaster's own, an agent's the one its spec reads (`ppo_lstm` → `lstm`). */
export function forecasterOf(kind: ModelKind): ForecasterKind | undefined {
  if (!isModelKind(kind)) return undefined;
  const spec = kindSpec(kind);
  return spec.snapshots ? kind : spec.forecaster;
}

/**
 * `metadata` is the version's metadata.json as stored (unknown shape: hand-edited or older files
 * name nothing rather than fail); `snapshotYears` the years its run recorded an outcome for.
 */
export function versionReferences(kind: ModelKind, metadata: unknown, snapshotYears: readonly string[] = []): References {
  const refs: References = { versions: [], snapshots: [] };
  const forecaster = forecasterOf(kind);
  if (isForecasterKind(kind)) {
    for (const yearEnd of snapshotYears) if (YEAR_END_PATTERN.test(yearEnd)) refs.snapshots.push({ kind, yearEnd });
    return refs;
  }
  const m = (metadata ?? {}) as { base_version?: unknown; snapshots_used?: unknown; forecaster_models?: { kind?: unknown; snapshots?: unknown; finalModel?: unknown } };
  if (isVersion(m.base_version)) refs.versions.push({ kind, version: m.base_version });
  const models = m.forecaster_models;
  const read = typeof models?.kind === 'string' && isForecasterKind(models.kind) ? models.kind : forecaster;
  if (!read) return refs;
  const years = new Set<string>();
  if (Array.isArray(m.snapshots_used)) for (const y of m.snapshots_used) if (typeof y === 'string') years.add(y);
  if (Array.isArray(models?.snapshots)) for (const s of models.snapshots as { yearEnd?: unknown }[]) if (typeof s?.yearEnd === 'string') years.add(s.yearEnd);
  for (const yearEnd of [...years].sort()) if (YEAR_END_PATTERN.test(yearEnd)) refs.snapshots.push({ kind: read, yearEnd });
  if (isVersion(models?.finalModel)) refs.versions.push({ kind: read, version: models.finalModel });
  return refs;
}
