/**
 * The Models page's data for one kind: GET /models/{kind} (readModels, so the page and the API show
 * the same records) plus, per version, what its metadata.json says it was trained on.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import { versionPrefix } from '../models/artifacts/model-files.ts';
import { readModels, type ModelsView } from '../pipeline/read-models.ts';
import { getJson } from '../ports/artifact-store.ts';
import type { DashboardSource } from './source.ts';

export type Metadata = Record<string, unknown>;

export interface VersionRow {
  view: ModelsView['versions'][number];
  /** The version's metadata.json; null for a run that committed no model (failed, running). */
  metadata: Metadata | null;
  /** The registry's stored response (window, hf_url, walk_forward…), as the API answers it. */
  response: Record<string, unknown> | null;
}

export interface KindView {
  kind: ModelKind;
  current: string | null;
  /** Newest claim first. */
  versions: VersionRow[];
  snapshots: ModelsView['snapshots'];
  /** Every move of `current`, oldest first. */
  promotions: ModelsView['promotions'];
}

export async function readKind(kind: ModelKind, source: DashboardSource): Promise<KindView> {
  const [models, records] = await Promise.all([readModels(kind, source), source.registry.list(kind)]);
  const responses = new Map(records.map((r) => [r.version, r.response ?? null]));
  const versions = await Promise.all(
    models.versions.map(async (view) => ({
      view,
      metadata: view.status === 'SUCCEEDED' ? ((await getJson<Metadata>(source.store, `${versionPrefix(kind, view.version)}/metadata.json`)) ?? null) : null,
      response: responses.get(view.version) ?? null,
    })),
  );
  return { kind, current: models.current, versions: versions.reverse(), snapshots: models.snapshots, promotions: models.promotions };
}
