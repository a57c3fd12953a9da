/**
 * The Version page's data: the registry record, metadata.json (curves, evaluation, split), the
 * promotion record (runs/{kind}/{version}/promotion.json) and, for a forecaster, what the run did
 * with each snapshot year (runs/{kind}/{version}/snapshots/*.json) and the walk-forward score of
 * those snapshots (runs/{kind}/{version}/walk-forward.json). Undefined when the registry has no such version.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import { isForecasterKind } from '../models/kinds.ts';
import { versionPrefix } from '../models/artifacts/model-files.ts';
import { decisionKey, type PromotionOutcome } from '../pipeline/decide-promotion.ts';
import { getJson } from '../ports/artifact-store.ts';
import type { VersionRecord } from '../ports/model-registry.ts';
import { readSnapshotOutcomes, type SnapshotOutcome } from '../snapshots/snapshot-outcomes.ts';
import { readWalkForwardScore, type WalkForwardScore } from '../snapshots/walk-forward-score.ts';
import type { Metadata } from './read-kind.ts';
import type { DashboardSource } from './source.ts';

export interface VersionView {
  record: VersionRecord;
  current: boolean;
  metadata: Metadata | null;
  promotion: PromotionOutcome | null;
  snapshotOutcomes: SnapshotOutcome[];
  /** Forecasters: null when the version was not scored (skip_snapshot, or a run from before scoring). */
  walkForward: WalkForwardScore | null;
  /** Whether the registry still has the version current before this one's decision (`mizan gc` may have deleted it). */
  priorExists: boolean;
}

export async function readVersion(kind: ModelKind, version: string, source: DashboardSource): Promise<VersionView | undefined> {
  const record = await source.registry.get(kind, version);
  if (!record) return undefined;
  const [current, metadata, promotion, snapshotOutcomes, walkForward] = await Promise.all([
    source.registry.current(kind),
    getJson<Metadata>(source.store, `${versionPrefix(kind, version)}/metadata.json`),
    getJson<PromotionOutcome>(source.store, decisionKey(kind, version)),
    isForecasterKind(kind) ? readSnapshotOutcomes(source.store, kind, version) : Promise.resolve([]),
    isForecasterKind(kind) ? readWalkForwardScore(source.store, kind, version) : Promise.resolve(undefined),
  ]);
  const prior = promotion?.prior_version;
  const priorExists = typeof prior === 'string' && (await source.registry.get(kind, prior)) !== undefined;
  return { record, current: current === version, metadata: metadata ?? null, promotion: promotion ?? null, snapshotOutcomes, walkForward: walkForward ?? null, priorExists };
}
