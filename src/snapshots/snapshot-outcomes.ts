import type { ForecasterKind } from '../config/model-kinds.ts';
import { getJson, putJson, type ArtifactStore } from '../ports/artifact-store.ts';
import { outcomeKey, outcomesPrefix } from './snapshot-paths.ts';

export type SnapshotOutcomeKind = 'trained' | 'skipped' | 'replaced';

/** What one backfill job did with one year end. */
export interface SnapshotOutcome {
  yearEnd: string;
  outcome: SnapshotOutcomeKind;
  snapshotKey: string;
  /** weekEnd of the snapshot's latest training target week. */
  lastTrainingWeekEnd: string;
  /** Set when this run trained the snapshot (absent for 'skipped'). */
  metrics?: { train_loss: number; val_loss: number; baseline_loss: number };
  /** The key that was there before, for 'replaced'. */
  replacedKey?: string;
  seconds: number;
}

export async function writeSnapshotOutcome(store: ArtifactStore, kind: ForecasterKind, version: string, outcome: SnapshotOutcome): Promise<void> {
  await putJson(store, outcomeKey(kind, version, outcome.yearEnd), outcome);
}

/** The outcomes a run recorded, by year end ascending (empty when the run backfilled nothing yet). */
export async function readSnapshotOutcomes(store: ArtifactStore, kind: ForecasterKind, version: string): Promise<SnapshotOutcome[]> {
  const keys = (await store.list(outcomesPrefix(kind, version))).filter((key) => key.endsWith('.json'));
  const outcomes: SnapshotOutcome[] = [];
  for (const key of keys) {
    const outcome = await getJson<SnapshotOutcome>(store, key);
    if (outcome) outcomes.push(outcome);
  }
  return outcomes.sort((a, b) => a.yearEnd.localeCompare(b.yearEnd));
}
