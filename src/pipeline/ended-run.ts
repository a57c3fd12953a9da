/**
 * A run whose execution ended without recording its version: aborted (StopExecution), timed out (the
 * state machine's timeout), or failed where "Record failure" could not record it (it has no Catch).
 * Its claim would stay RUNNING for ever, and the API answer RUNNING for ever: it is recorded FAILED,
 * after undoing a promotion the run made. Called by the EventBridge rule on the state machine's status
 * changes (functions/execution-ended) and by a request that finds the claim (stale-claim.ts).
 */
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { STATE } from '../ports/train-model.ts';
import type { ExecutionDescription, ExecutionStatus, Workflow } from '../ports/workflow.ts';
import { VersionStateError } from '../registry/registry-errors.ts';
import type { TrainingPlan } from '../models/training-plan.ts';
import { undoPromotion, type UndoOutcome } from './undo-promotion.ts';

export type EndedStatus = Exclude<ExecutionStatus, 'RUNNING'>;

export interface EndedExecution {
  /** The execution name: what the version's claim records as its executionId. */
  executionId: string;
  status: EndedStatus;
  stoppedAt?: string;
  error?: string;
  cause?: string;
}

export interface EndedRunDeps {
  registry: ModelRegistry;
  store: ArtifactStore;
  /** Its `describe` (the history) tells whether the run decided its promotion. */
  workflow: Workflow;
}

export type EndedRunOutcome =
  | { recorded: true; error: { error: string; cause: string }; promotionUndone: UndoOutcome }
  | { recorded: false; why: 'no claim' | 'not running' | 'claimed by another execution' | 'recorded meanwhile' };

/** The error recorded for each way an execution can end without recording its version. */
export const ENDED_RUN_ERROR: Record<EndedStatus, string> = {
  ABORTED: 'ExecutionAborted',
  TIMED_OUT: 'ExecutionTimedOut',
  FAILED: 'ExecutionFailed',
  // "Record result" completes the version before the execution succeeds: this is a bug, but it must not hold the claim either.
  SUCCEEDED: 'ExecutionUnrecorded',
};

/** Execution causes can be a whole DescribeJobs JSON (32 KB): the record keeps its start. */
const MAX_CAUSE_CHARS = 500;

/**
 * Records the version FAILED if it is still RUNNING under this execution; otherwise leaves it (Record
 * failure recorded it, or a retry owns the claim now). Idempotent: a repeated call finds it FAILED.
 */
export async function recordEndedRun(input: { plan: TrainingPlan; execution: EndedExecution }, deps: EndedRunDeps): Promise<EndedRunOutcome> {
  const { plan, execution } = input;
  const record = await deps.registry.get(plan.kind, plan.version);
  if (!record) return { recorded: false, why: 'no claim' };
  if (record.status !== 'RUNNING') return { recorded: false, why: 'not running' };
  if (record.executionId !== execution.executionId) return { recorded: false, why: 'claimed by another execution' };

  // Undo first, as Record failure does: if the undo fails, the version stays RUNNING (and this is retried), never FAILED under `current`.
  const decidedInThisRun = decidedPromotion(await deps.workflow.describe(execution.executionId));
  const promotionUndone = await undoPromotion({ plan, decidedInThisRun }, deps);
  const error = endedRunError(execution);
  try {
    await deps.registry.fail(plan.kind, plan.version, error, { executionId: execution.executionId });
  } catch (err) {
    // Another path (Record failure, the EventBridge handler, a request) recorded it first: theirs stands.
    if (err instanceof VersionStateError) return { recorded: false, why: 'recorded meanwhile' };
    throw err;
  }
  return { recorded: true, error, promotionUndone };
}

/**
 * "Decided in this run", knowing only the execution: its history shows "Decide promotion" completed,
 * which is what Record failure knows from `$.promotion` in its state. promotion.json cannot tell: it
 * names no execution, and a re-run of the current version keeps the decision an earlier run stored.
 * Unknown (no history) or stopped during the decision counts as not decided, the safe side: every state
 * that can fail a run comes before the decision, so a version such a run may have made current is a
 * complete model that won a comparison (a retry finds it current and keeps it), while undoing on a guess
 * could demote a version an earlier run promoted (a re-run that only backfills snapshots, aborted).
 */
export function decidedPromotion(description: ExecutionDescription | undefined): boolean {
  return description?.states.some((state) => state.name === STATE.decidePromotion && state.status === 'SUCCEEDED') ?? false;
}

/** e.g. `ExecutionAborted`: "execution v…-retry2 ended ABORTED at 2026-…Z without recording its version (…)". */
export function endedRunError(execution: EndedExecution): { error: string; cause: string } {
  const cause = execution.cause && execution.cause.length > MAX_CAUSE_CHARS ? `${execution.cause.slice(0, MAX_CAUSE_CHARS)}…` : execution.cause;
  const why = [execution.error, cause].filter(Boolean).join(': ');
  return {
    error: ENDED_RUN_ERROR[execution.status],
    cause: `execution ${execution.executionId} ended ${execution.status} at ${execution.stoppedAt ?? 'an unknown time'} without recording its version${why ? ` (${why})` : ''}`,
  };
}
