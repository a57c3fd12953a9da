/**
 * The Runs pages' data: execution records as the runner stored them (status, per-state timings
 * from the event history, error and cause), plus the registry's record of the version the run
 * trained, whose cause is the one `mizan train` prints.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import { isModelKind } from '../models/kinds.ts';
import type { VersionRecord } from '../ports/model-registry.ts';
import { isVersion } from '../registry/version.ts';
import type { DashboardSource } from './source.ts';
import type { ExecutionRecord } from '../ports/execution-source.ts';

export interface RunSummary {
  record: ExecutionRecord;
  kind: ModelKind | null;
  version: string | null;
  mode: string | null;
  /** Whether the registry still has the version (`mizan gc` deletes versions, not the runs that made them). */
  versionExists: boolean;
}

export interface RunView extends RunSummary {
  /** The registry's record of the version, when the run is the one that claimed it. */
  versionRecord: VersionRecord | null;
}

/** Every run, the latest start first. */
export async function readRuns(source: DashboardSource): Promise<RunSummary[]> {
  const records = await source.executions.list();
  const plans = records.map(planOf);
  const known = new Set<string>();
  for (const kind of new Set(plans.map((p) => p.kind).filter((k): k is ModelKind => k !== null))) {
    for (const r of await source.registry.list(kind)) known.add(`${kind}/${r.version}`);
  }
  return records
    .map((record, i) => ({ record, ...plans[i], versionExists: known.has(`${plans[i].kind}/${plans[i].version}`) }))
    .sort((a, b) => b.record.startedAt.localeCompare(a.record.startedAt));
}

export async function readRun(executionId: string, source: DashboardSource): Promise<RunView | undefined> {
  const record = await source.executions.read(executionId);
  if (!record) return undefined;
  const plan = planOf(record);
  let versionRecord: VersionRecord | null = null;
  let versionExists = false;
  if (plan.kind && plan.version) {
    const found = await source.registry.get(plan.kind, plan.version);
    versionExists = found !== undefined;
    if (found?.executionId === executionId) versionRecord = found;
  }
  return { record, ...plan, versionExists, versionRecord };
}

/** The plan the run was started with: kind, version and mode (from the execution's input). */
function planOf(record: ExecutionRecord): Pick<RunSummary, 'kind' | 'version' | 'mode'> {
  const plan = (record.input as { plan?: { kind?: unknown; version?: unknown; mode?: unknown } } | null)?.plan;
  const kind = typeof plan?.kind === 'string' && isModelKind(plan.kind) ? plan.kind : null;
  const version = isVersion(plan?.version) ? plan.version : null;
  return { kind, version, mode: typeof plan?.mode === 'string' ? plan.mode : null };
}
