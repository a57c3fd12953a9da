import type { ModelKind } from '../config/model-kinds.ts';
import { kindSpec } from '../models/kinds.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry, PromotionEntry } from '../ports/model-registry.ts';
import { listSnapshots } from '../snapshots/list-snapshots.ts';

export interface ModelsView {
  kind: ModelKind;
  current: string | null;
  versions: {
    version: string;
    status: string;
    current: boolean;
    execution_id: string;
    claimed_at: string;
    finished_at: string | null;
    metrics: unknown;
    test_vs_baselines: string | null;
    promoted: boolean | null;
    /** For forecasters: which snapshot years this run trained, skipped or replaced. */
    snapshots: unknown;
    error: { error: string; cause: string } | null;
    /** The version's Hugging Face branch, when it was published. */
    hf_url: string | null;
    /** Why its upload failed, until `mizan publish` retries it successfully. */
    publish_error: string | null;
  }[];
  /** Every move of `current`, oldest first: who, when, why, automatic or manual, from which version. */
  promotions: PromotionEntry[];
  /** Forecasters only: the yearly snapshots the walk-forward forecasts use. */
  snapshots?: { year_end: string; training_data_end: string; snapshot_key: string; metrics: unknown; created_at: string }[];
}

/** GET /models/{kind} and `mizan models KIND`: the current version, every version with its metrics, and the snapshots. */
export async function readModels(kind: ModelKind, deps: { registry: ModelRegistry; store: ArtifactStore }): Promise<ModelsView> {
  const [current, records, promotions] = await Promise.all([deps.registry.current(kind), deps.registry.list(kind), deps.registry.history(kind)]);
  const view: ModelsView = {
    kind,
    current: current ?? null,
    versions: records.map((r) => ({
      version: r.version,
      status: r.status,
      current: r.version === current,
      execution_id: r.executionId,
      claimed_at: r.claimedAt,
      finished_at: r.finishedAt ?? null,
      metrics: r.response?.metrics ?? null,
      /** Forecasters: which baselines the test loss beats (zero, mean training target), in words. */
      test_vs_baselines: typeof r.response?.test_vs_baselines === 'string' ? r.response.test_vs_baselines : null,
      promoted: typeof r.response?.promoted === 'boolean' ? r.response.promoted : null,
      snapshots: r.response?.snapshots ?? null,
      error: r.error ?? null,
      hf_url: typeof r.response?.hf_url === 'string' ? r.response.hf_url : null,
      publish_error: typeof r.response?.publish_error === 'string' ? r.response.publish_error : null,
    })),
    promotions,
  };
  if (kindSpec(kind).snapshots) {
    view.snapshots = (await listSnapshots(deps.store, kind)).map((s) => ({
      year_end: s.yearEnd,
      training_data_end: s.trainingDataEnd,
      snapshot_key: s.key,
      metrics: s.metrics,
      created_at: s.createdAt,
    }));
  }
  return view;
}
