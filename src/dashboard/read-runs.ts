/**
 * The Runs pages' data: execution records as the runner stored them (status, per-state timings
 * from the event history, error and cause), plus the registry's record of the version the run
 * trained, whose cause is the one `mizan train` prints.
 */
import { isModelKind, type ModelKind } from '../config/model-kinds.ts';
import type { VersionRecord } from '../ports/model-registry.ts';
import { isVersion } from '../registry/version.ts';
import type { ExecutionRecord, DashboardSource } from './source.ts';

export interface RunSummary {
  record: ExecutionRecord;
  kind: ModelKind | null;
  version: string | null;
  mode: string | null;
}

export interface RunView extends RunSummary {
  /** The registry's record of the version, when the run is the one that claimed it. */
  versionRecord: VersionRecord | null;
}

/** Every run, the latest start first. */
export async function readRuns(source: DashboardSource): Promise<RunSummary[]> {
  const records = await source.executions.list();
  return records.map(summarise).sort((a, b) => b.record.startedAt.localeCompare(a.record.startedAt));
}

export async function readRun(executionId: string, source: DashboardSource): Promise<RunView | undefined> {
  const record = await source.executions.read(executionId);
  if (!record) return undefined;
  const summary = summarise(record);
  let versionRecord: VersionRecord | null = null;
  if (summary.kind && summary.version) {
    const found = await source.registry.get(summary.kind, summary.version);
    if (found?.executionId === executionId) versionRecord = found;
  }
  return { ...summary, versionRecord };
}

/** The plan the run was started with: kind, version and mode (from the execution's input). */
function summarise(record: ExecutionRecord): RunSummary {
  const plan = (record.input as { plan?: { kind?: unknown; version?: unknown; mode?: unknown } } | null)?.plan;
  const kind = typeof plan?.kind === 'string' && isModelKind(plan.kind) ? plan.kind : null;
  const version = isVersion(plan?.version) ? plan.version : null;
  return { record, kind, version, mode: typeof plan?.mode === 'string' ? plan.mode : null };
}
