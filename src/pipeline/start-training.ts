import type { TrainingPlan } from '../models/training-plan.ts';
import { settleStaleClaim, type StaleClaimDeps } from './stale-claim.ts';

export { CLAIM_CHECK_MIN_AGE_MS, ORPHANED_CLAIM_MS } from './stale-claim.ts';

/** What the `TrainModel` state machine is started with. */
export interface WorkflowInput {
  plan: TrainingPlan;
  skipSnapshot: boolean;
  publish: boolean;
  executionName: string;
}

export type StartOutcome =
  | { status: 'SUCCEEDED'; version: string; response: Record<string, unknown> }
  | { status: 'RUNNING'; version: string; executionId: string; started: boolean };

/** The store is read to undo the promotion of a run that ended unrecorded (stale-claim.ts). */
export interface StartDeps extends StaleClaimDeps {
  publisherEnabled: boolean;
}

/**
 * Idempotent start: a version that exists answers with its stored response; one that is
 * running answers with its execution; otherwise the version is claimed (conditional create,
 * so of N identical concurrent requests exactly one starts a run) and an execution named
 * after it is started. A version that succeeded without its snapshots (skip_snapshot) is
 * reopened by a request that wants them: the run reuses the committed model and backfills.
 */
export async function startTraining(plan: TrainingPlan, opts: { skipSnapshot: boolean }, deps: StartDeps): Promise<StartOutcome> {
  let existing = await deps.registry.get(plan.kind, plan.version);
  // A claim whose run never started, or ended without recording the version, is freed first.
  if (existing?.status === 'RUNNING') existing = await settleStaleClaim(plan, existing, deps);
  const reopen = existing?.status === 'SUCCEEDED' && lacksWantedSnapshots(plan, opts, existing.response);
  if (existing?.status === 'SUCCEEDED' && existing.response && !reopen) {
    return { status: 'SUCCEEDED', version: plan.version, response: existing.response };
  }
  if (existing?.status === 'RUNNING') {
    return { status: 'RUNNING', version: plan.version, executionId: existing.executionId, started: false };
  }

  // Step Functions keeps an execution name for 90 days: a retry or a reopen needs a new one.
  const executionName = existing ? nextAttemptName(plan.version, existing.executionId) : plan.version;
  const claim = await deps.registry.claim(plan.kind, plan.version, executionName, { reopenSucceeded: reopen });
  if (!claim.claimed) {
    const other = claim.existing;
    if (other.status === 'SUCCEEDED' && other.response) return { status: 'SUCCEEDED', version: plan.version, response: other.response };
    return { status: 'RUNNING', version: plan.version, executionId: other.executionId, started: false };
  }

  const input: WorkflowInput = { plan, skipSnapshot: opts.skipSnapshot, publish: deps.publisherEnabled, executionName };
  try {
    const { executionId } = await deps.workflow.start(executionName, input);
    return { status: 'RUNNING', version: plan.version, executionId, started: true };
  } catch (err) {
    // Free the claim: otherwise the version would look RUNNING forever.
    await deps.registry.fail(plan.kind, plan.version, { error: 'StartExecutionFailed', cause: (err as Error).message });
    throw err;
  }
}

/** The request wants snapshots, the plan has years to backfill, and the stored run made none. */
function lacksWantedSnapshots(plan: TrainingPlan, opts: { skipSnapshot: boolean }, response: Record<string, unknown> | undefined): boolean {
  return !opts.skipSnapshot && plan.snapshotYearEnds.length > 0 && response !== undefined && response.snapshots === undefined;
}

/** `v2026.08.14-abc` → `v2026.08.14-abc-retry2`, then `-retry3`, ... */
export function nextAttemptName(version: string, previous: string): string {
  const match = /-retry(\d+)$/.exec(previous);
  const attempt = previous.startsWith(version) && match ? Number(match[1]) + 1 : 2;
  return `${version}-retry${attempt}`;
}
