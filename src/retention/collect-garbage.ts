/**
 * `mizan gc`: finish an interrupted gc, read the inventory, decide (retention-plan.ts), then delete
 * (or, dry, only say what would go). The same code for the data dir and for a bucket and table.
 */
import { MODEL_KINDS } from '../models/kinds.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { deleteSnapshot, deleteVersion } from './delete-safely.ts';
import { finishPending, readPending, type Pending } from './finish-pending.ts';
import { readInventory } from './read-inventory.ts';
import { forecasterOf } from './references.ts';
import { planRetention, type RetentionOptions, type RetentionPlan } from './retention-plan.ts';

export interface GcDeps {
  store: ArtifactStore;
  registry: ModelRegistry;
  log?: (line: string) => void;
}

export interface GcReport {
  dryRun: boolean;
  /** Deletions an interrupted gc left half-done: finished first (listed only, when dry). */
  pending: Pending;
  plan: RetentionPlan;
  /** What was deleted (empty when dry); a version claimed again since the decision is in `skipped`. */
  deleted: { versions: RetentionPlan['versions']; snapshots: RetentionPlan['snapshots']; bytes: number };
  skipped: { kind: string; name: string; why: string }[];
}

export async function collectGarbage(options: RetentionOptions & { dryRun: boolean }, deps: GcDeps): Promise<GcReport> {
  const log = deps.log ?? (() => undefined);
  let pending = await readPending(deps.store);
  if (!options.dryRun && (pending.versions.length > 0 || pending.snapshots.length > 0)) {
    log(`finishing ${pending.versions.length + pending.snapshots.length} deletion(s) an interrupted gc left`);
    pending = await finishPending(pending, deps);
  }
  const plan = planRetention(await readInventory(deps), options);
  const report: GcReport = { dryRun: options.dryRun, pending, plan, deleted: { versions: [], snapshots: [], bytes: 0 }, skipped: [] };
  if (options.dryRun) return report;

  for (const v of plan.versions) {
    if (v.status === 'RUNNING') throw new Error(`bug: the plan deletes RUNNING ${v.kind} ${v.version}`); // the plan keeps them
    if (await deleteVersion({ kind: v.kind, version: v.version, executionId: v.executionId, status: v.status }, deps)) {
      report.deleted.versions.push(v);
      report.deleted.bytes += v.bytes;
      log(`deleted ${v.kind} ${v.version} (${v.status}, ${v.bytes} bytes)`);
    } else {
      report.skipped.push({ kind: v.kind, name: v.version, why: 'its record changed since the decision (claimed again)' });
    }
  }
  // A run started since the inventory may read or keep any of its forecaster's snapshots: look again.
  const busy = await forecastersInUse(deps.registry);
  for (const s of plan.snapshots) {
    if (busy.has(s.kind)) {
      report.skipped.push({ kind: s.kind, name: s.yearEnd, why: `a run that reads ${s.kind} snapshots started during this gc` });
      continue;
    }
    if (await deleteSnapshot({ kind: s.kind, yearEnd: s.yearEnd, key: s.key }, deps)) {
      report.deleted.snapshots.push(s);
      report.deleted.bytes += s.bytes;
      log(`deleted snapshot ${s.kind} ${s.yearEnd} (${s.bytes} bytes)`);
    } else {
      report.skipped.push({ kind: s.kind, name: s.yearEnd, why: 'another snapshot took its year since the decision' });
    }
  }
  return report;
}

/** The forecasters whose snapshots a RUNNING run (of the forecaster, or of an agent on it) may read or write. */
async function forecastersInUse(registry: ModelRegistry): Promise<Set<string>> {
  const busy = new Set<string>();
  for (const kind of MODEL_KINDS) {
    const forecaster = forecasterOf(kind);
    if (forecaster && (await registry.list(kind)).some((r) => r.status === 'RUNNING')) busy.add(forecaster);
  }
  return busy;
}
