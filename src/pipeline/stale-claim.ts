/**
 * A RUNNING claim that a request finds may be stale: its claimant stopped before starting the execution
 * (orphaned), or the execution ended without recording the version (ended-run.ts). Either is recorded
 * FAILED, so the request retries under a new execution name; a live run is left alone.
 */
import type { VersionRecord } from '../ports/model-registry.ts';
import type { ExecutionSummary, Workflow } from '../ports/workflow.ts';
import { VersionStateError } from '../registry/registry-errors.ts';
import { recordEndedRun, type EndedRunDeps } from './ended-run.ts';
import type { TrainingPlan } from '../models/training-plan.ts';

/**
 * A claim this old whose execution does not exist was left by a process that stopped between
 * the claim and the start (the API answers within 30 s; the CLI starts at once): it is freed.
 */
export const ORPHANED_CLAIM_MS = 2 * 60_000;

/**
 * A younger claim is answered RUNNING without asking the workflow: its claimant may still be starting
 * the execution (the API answers within 30 s), a run that young has almost never ended, and a burst of
 * identical requests (what the idempotent start is for) costs no Step Functions call. An older claim
 * costs one status read per request (no history), so the next request notices an ended run: whoever
 * aborts a run and POSTs again gets a new run at once, unless the run was aborted in its first 30 s
 * (then RUNNING until it is 30 s old, or until the EventBridge rule records the abort, within seconds).
 */
export const CLAIM_CHECK_MIN_AGE_MS = 30_000;

export interface StaleClaimDeps extends EndedRunDeps {
  /** Milliseconds since the epoch (tests pass a clock). */
  now?: () => number;
}

/** The claim as it stands after the check: unchanged, recorded FAILED, or what a racing request left. */
export async function settleStaleClaim(plan: TrainingPlan, record: VersionRecord, deps: StaleClaimDeps): Promise<VersionRecord | undefined> {
  const age = (deps.now ?? Date.now)() - Date.parse(record.claimedAt);
  if (age < CLAIM_CHECK_MIN_AGE_MS) return record;
  const execution = await executionStatus(deps.workflow, record.executionId);
  if (!execution) return age >= ORPHANED_CLAIM_MS ? freeOrphanedClaim(record, deps) : record;
  if (execution.status === 'RUNNING') return record;

  const { status, stoppedAt, error, cause } = execution;
  const outcome = await recordEndedRun({ plan, execution: { executionId: record.executionId, status, stoppedAt, error, cause } }, deps);
  if (outcome.recorded) return { ...record, status: 'FAILED', error: outcome.error };
  return deps.registry.get(record.kind, record.version);
}

/** Records the claim FAILED (NeverStarted); if another request freed or retried it first, what that left. */
async function freeOrphanedClaim(record: VersionRecord, deps: StaleClaimDeps): Promise<VersionRecord | undefined> {
  const error = { error: 'NeverStarted', cause: `the version was claimed at ${record.claimedAt} but its run ${record.executionId} was never started` };
  try {
    await deps.registry.fail(record.kind, record.version, error, { executionId: record.executionId });
    return { ...record, status: 'FAILED', error };
  } catch (err) {
    if (!(err instanceof VersionStateError)) throw err;
    return deps.registry.get(record.kind, record.version);
  }
}

/** The cheap status read where the workflow has one; the full description otherwise. */
function executionStatus(workflow: Workflow, executionId: string): Promise<ExecutionSummary | undefined> {
  return workflow.status ? workflow.status(executionId) : workflow.describe(executionId);
}
