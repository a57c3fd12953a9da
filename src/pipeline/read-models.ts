import type { ModelKind } from '../config/model-kinds.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';

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
    promoted: boolean | null;
    error: { error: string; cause: string } | null;
  }[];
}

/** GET /models/{kind} and `mizan models KIND`: the current version and every version with its metrics. */
export async function readModels(kind: ModelKind, deps: { registry: ModelRegistry }): Promise<ModelsView> {
  const [current, records] = await Promise.all([deps.registry.current(kind), deps.registry.list(kind)]);
  return {
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
      promoted: typeof r.response?.promoted === 'boolean' ? r.response.promoted : null,
      error: r.error ?? null,
    })),
  };
}
