import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ForecasterKind } from '../config/model-kinds.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { DateRange } from '../ports/market-data.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { canonicalJson } from '../registry/version.ts';
import { readAllSnapshotMetadata } from '../snapshots/list-snapshots.ts';
import { snapshotForWeek } from '../snapshots/snapshot-for-week.ts';
import type { ForecasterModels, TrainingPlan } from '../models/training-plan.ts';

/**
 * The forecaster models an agent's panel over `window` reads (env/build-panel.ts): the snapshots its
 * weeks can use (the one covering the window's start, up to the newest before its end), or, when the
 * forecaster has no snapshot at all and the request allows it, the current model. In the agent's
 * plan, so that retrained snapshots (other code, data, signals or config) make another version.
 */
export async function forecasterModels(
  kind: ForecasterKind,
  window: DateRange,
  allowFinalModel: boolean,
  deps: { store: ArtifactStore; registry: ModelRegistry },
): Promise<ForecasterModels> {
  const all = await readAllSnapshotMetadata(deps.store, kind);
  const oldest = snapshotForWeek(all.map((s) => s.year_end), window.start) ?? '';
  const snapshots = all
    .filter((s) => s.year_end >= oldest && s.year_end < window.end)
    .map((s) => ({ yearEnd: s.year_end, key: s.snapshot_key, files: digest(s.files ?? {}) }));
  const finalModel = all.length === 0 && allowFinalModel ? await deps.registry.current(kind) : undefined;
  return { kind, snapshots, ...(finalModel ? { finalModel } : {}) };
}

/** The snapshot's files as written (each file's sha256): a snapshot retrained under the same key still differs. */
function digest(files: Record<string, string>): string {
  return createHash('sha256').update(canonicalJson(files)).digest('hex').slice(0, 16);
}

/**
 * Fails when the forecaster's models are no longer those the agent's plan names (another run
 * retrained its snapshots in between): the version would name inputs the agent was not trained on.
 */
export async function assertPlannedForecasterModels(plan: TrainingPlan, deps: { store: ArtifactStore; registry: ModelRegistry }): Promise<void> {
  const planned = plan.forecasterModels;
  if (!planned) throw new Error(`the ${plan.kind} plan ${plan.version} names no forecaster models: plan it again`);
  const now = await forecasterModels(planned.kind, plan.window, plan.config.allowFinalModel === true, deps);
  if (!isDeepStrictEqual(now, planned)) {
    throw new Error(`the ${planned.kind} models changed since ${plan.kind} ${plan.version} was planned (then ${describe(planned)}; now ${describe(now)}): request the agent again, which plans a new version`);
  }
}

function describe(models: ForecasterModels): string {
  const snapshots = models.snapshots.map((s) => s.key).join(', ') || 'no snapshots';
  return models.finalModel ? `${snapshots}, final model ${models.finalModel}` : snapshots;
}
