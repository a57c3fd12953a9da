/** Reads the inventory retention decides on from the registry and the artifact store (read only). */
import type { ModelKind } from '../config/model-kinds.ts';
import { FORECASTER_KINDS, MODEL_KINDS } from '../models/kinds.ts';
import { METADATA_FILE, versionPrefix } from '../models/artifacts/model-files.ts';
import { getJson, type ArtifactStore, type StoredSize } from '../ports/artifact-store.ts';
import type { ModelRegistry, VersionRecord } from '../ports/model-registry.ts';
import { snapshotsRoot, YEAR_END_PATTERN } from '../snapshots/snapshot-paths.ts';
import type { Inventory, KindFacts, SnapshotFacts, VersionFacts } from './inventory.ts';
import { fromHistory, promotedNewestFirst } from './promotion-order.ts';
import { versionReferences } from './references.ts';

export interface InventoryDeps {
  store: ArtifactStore;
  registry: ModelRegistry;
}

export async function readInventory(deps: InventoryDeps): Promise<Inventory> {
  const kinds: KindFacts[] = [];
  for (const kind of MODEL_KINDS) kinds.push(await readKind(kind, deps));
  const snapshots: SnapshotFacts[] = [];
  for (const kind of FORECASTER_KINDS) {
    for (const [yearEnd, sizes] of byFolder(await deps.store.listSizes(snapshotsRoot(kind)), snapshotsRoot(kind))) {
      if (!YEAR_END_PATTERN.test(yearEnd)) continue; // not a snapshot's folder: not ours to judge
      const committed = sizes.some((s) => s.key.endsWith(`/${METADATA_FILE}`));
      const meta = committed ? await getJson<{ snapshot_key?: unknown; created_at?: unknown }>(deps.store, `${snapshotsRoot(kind)}/${yearEnd}/${METADATA_FILE}`) : undefined;
      snapshots.push({
        kind,
        yearEnd,
        key: typeof meta?.snapshot_key === 'string' ? meta.snapshot_key : null,
        createdAt: typeof meta?.created_at === 'string' ? meta.created_at : null,
        ...total(sizes),
      });
    }
  }
  return { kinds, snapshots };
}

async function readKind(kind: ModelKind, deps: InventoryDeps): Promise<KindFacts> {
  const [current, records, models, runs] = await Promise.all([
    deps.registry.current(kind),
    deps.registry.list(kind),
    deps.store.listSizes(`models/${kind}`),
    deps.store.listSizes(`runs/${kind}`),
  ]);
  const modelFiles = byFolder(models, `models/${kind}`);
  const runFiles = byFolder(runs, `runs/${kind}`);
  const versions: VersionFacts[] = [];
  for (const record of records) {
    const own = [...(modelFiles.get(record.version) ?? []), ...(runFiles.get(record.version) ?? [])];
    const metadata = own.some((s) => s.key === `${versionPrefix(kind, record.version)}/${METADATA_FILE}`)
      ? await getJson<unknown>(deps.store, `${versionPrefix(kind, record.version)}/${METADATA_FILE}`).catch(() => undefined) // unreadable: names nothing
      : undefined;
    // runs/{kind}/{version}/snapshots/{yearEnd}.json: the years the run trained or kept.
    const years = (runFiles.get(record.version) ?? []).map((s) => /\/snapshots\/(\d{4}-12-31)\.json$/.exec(s.key)?.[1]).filter((y): y is string => y !== undefined);
    versions.push({
      kind,
      version: record.version,
      status: record.status,
      executionId: record.executionId,
      at: record.finishedAt ?? record.claimedAt,
      ...total(own),
      references: versionReferences(kind, metadata, years),
    });
  }
  return { kind, current, promoted: await madeCurrent(kind, records, deps.registry), versions };
}

/**
 * The versions made current, newest first: the kind's promotion history (every move of `current`,
 * manual promotions and rollbacks included), then the runs' own records (`promoted: true`), which
 * also name the promotions made before the history was kept.
 */
async function madeCurrent(kind: ModelKind, records: VersionRecord[], registry: ModelRegistry): Promise<string[]> {
  return [...new Set([...fromHistory(await registry.history(kind)), ...promotedNewestFirst(records)])];
}

/** Keys under `root` grouped by their first segment (a version, a year end). */
function byFolder(sizes: StoredSize[], root: string): Map<string, StoredSize[]> {
  const folders = new Map<string, StoredSize[]>();
  for (const size of sizes) {
    const name = size.key.slice(root.length + 1).split('/')[0];
    if (!size.key.slice(root.length + 1).includes('/')) continue; // a file directly under the root is no folder's
    folders.set(name, [...(folders.get(name) ?? []), size]);
  }
  return folders;
}

function total(sizes: StoredSize[]): { bytes: number; files: number } {
  return { bytes: sizes.reduce((sum, s) => sum + s.bytes, 0), files: sizes.length };
}
