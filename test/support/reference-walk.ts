/**
 * Walks every reference the store and registry hold and returns those that do not resolve (empty:
 * none dangles). Written from the files' fields, apart from src/retention/references.ts:
 * - each kind's `current` names a SUCCEEDED record whose files are all there (sha256 checked);
 * - every SUCCEEDED record has its model: metadata.json and every file it lists;
 * - what a SUCCEEDED version names: an agent's base_version and forecaster_models.finalModel (a
 *   SUCCEEDED version with its files), its snapshots_used and forecaster_models' snapshot years, a
 *   forecaster's recorded snapshot years (runs/{kind}/{version}/snapshots/): a committed snapshot
 *   with its files.
 */
import type { ModelKind } from '../../src/config/model-kinds.ts';
import { MODEL_KINDS, isForecasterKind } from '../../src/models/kinds.ts';
import { readModelFiles, versionPrefix } from '../../src/models/artifacts/model-files.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { readSnapshotOutcomes } from '../../src/snapshots/snapshot-outcomes.ts';
import { snapshotPrefix } from '../../src/snapshots/snapshot-paths.ts';

export async function danglingReferences(deps: { store: ArtifactStore; registry: ModelRegistry }): Promise<string[]> {
  const problems: string[] = [];
  const model = async (kind: ModelKind, version: string, from: string) => {
    const record = await deps.registry.get(kind, version);
    if (record?.status !== 'SUCCEEDED') return problems.push(`${from} → ${kind} ${version}: ${record?.status ?? 'no record'}`);
    const files = await readModelFiles(deps.store, versionPrefix(kind, version)).catch((error: Error) => error);
    if (files === undefined) problems.push(`${from} → ${kind} ${version}: no metadata.json`);
    else if (files instanceof Error) problems.push(`${from} → ${kind} ${version}: ${files.message}`);
    return files;
  };
  const snapshot = async (kind: string, yearEnd: string, from: string) => {
    if (!isForecasterKind(kind)) return problems.push(`${from} → snapshot of ${kind}, which is no forecaster`);
    const files = await readModelFiles(deps.store, snapshotPrefix(kind, yearEnd)).catch((error: Error) => error);
    if (files === undefined) problems.push(`${from} → ${kind} snapshot ${yearEnd}: not there`);
    else if (files instanceof Error) problems.push(`${from} → ${kind} snapshot ${yearEnd}: ${files.message}`);
  };

  for (const kind of MODEL_KINDS) {
    const current = await deps.registry.current(kind);
    if (current !== undefined) await model(kind, current, `${kind} current`);
    for (const record of await deps.registry.list(kind)) {
      if (record.status !== 'SUCCEEDED') continue;
      const from = `${kind} ${record.version}`;
      const files = await model(kind, record.version, `${from} (its own record)`);
      if (!files || typeof files === 'number' || files instanceof Error) continue;
      const m = files.metadata as { base_version?: string | null; snapshots_used?: string[]; config?: { forecaster?: string }; forecaster_models?: { kind: string; snapshots: { yearEnd: string }[]; finalModel?: string } };
      if (m.base_version) await model(kind, m.base_version, `${from} base_version`);
      const forecaster = m.forecaster_models?.kind ?? m.config?.forecaster;
      if (m.forecaster_models?.finalModel) await model(m.forecaster_models.kind as ModelKind, m.forecaster_models.finalModel, `${from} final model`);
      for (const yearEnd of m.snapshots_used ?? []) await snapshot(forecaster ?? '?', yearEnd, `${from} snapshots_used`);
      for (const s of m.forecaster_models?.snapshots ?? []) await snapshot(forecaster ?? '?', s.yearEnd, `${from} forecaster_models`);
      if (isForecasterKind(kind)) for (const o of await readSnapshotOutcomes(deps.store, kind, record.version)) await snapshot(kind, o.yearEnd, `${from} snapshot outcome`);
    }
  }
  return problems;
}
