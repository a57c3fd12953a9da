/**
 * startTraining and a RUNNING claim whose execution has ended (aborted, timed out, failed unrecorded):
 * the request frees it (undoing the run's promotion first) and retries under a new name; a live run, or a
 * claim too young to check, is answered RUNNING. (Orphaned claims: test/integration/local-workflow-runner.)
 */
import { describe, expect, it, vi } from 'vitest';
import { CLAIM_CHECK_MIN_AGE_MS, startTraining } from '../../src/pipeline/start-training.ts';
import type { Workflow } from '../../src/ports/workflow.ts';
import { claimRun, endedRunDeps, inputOf, plan, PRIOR, promoteRun, RUN, STATES, type EndedRunTestDeps } from '../support/ended-run-fixture.ts';

const MINUTE = 60_000;
const request = (deps: EndedRunTestDeps, now: number, workflow: Workflow = deps.workflow) =>
  startTraining(plan, { skipSnapshot: true }, { ...deps, workflow, publisherEnabled: false, now: () => now });

describe('startTraining with a claim whose execution ended', () => {
  it('frees the claim of an aborted execution (ExecutionAborted) and retries as -retry2', async () => {
    // Prepare
    const deps = await endedRunDeps();
    const claimedAt = await claimRun(deps);
    deps.workflow.set(RUN, 'ABORTED', inputOf(RUN), STATES.stoppedInTraining);
    const fail = vi.spyOn(deps.registry, 'fail');
    // Act
    const outcome = await request(deps, claimedAt + 10 * MINUTE);
    // Assess
    expect(outcome).toEqual({ status: 'RUNNING', version: RUN, executionId: `${RUN}-retry2`, started: true });
    expect(fail).toHaveBeenCalledWith(
      'lstm',
      RUN,
      { error: 'ExecutionAborted', cause: `execution ${RUN} ended ABORTED at 2026-01-12T11:30:00.000Z without recording its version` },
      { executionId: RUN },
    );
    expect(deps.workflow.started).toEqual([`${RUN}-retry2`]);
    expect(await deps.registry.get('lstm', RUN)).toMatchObject({ status: 'RUNNING', executionId: `${RUN}-retry2` });
  });

  it('undoes the promotion of a run that timed out after its decision before freeing the claim', async () => {
    // Prepare
    const deps = await endedRunDeps();
    const claimedAt = await claimRun(deps);
    await promoteRun(deps);
    deps.workflow.set(RUN, 'TIMED_OUT', inputOf(RUN), STATES.stoppedAfterDecision);
    // Act
    const outcome = await request(deps, claimedAt + 72 * 60 * MINUTE);
    // Assess
    expect(outcome).toMatchObject({ status: 'RUNNING', executionId: `${RUN}-retry2`, started: true });
    expect(await deps.registry.current('lstm')).toBe(PRIOR);
  });

  it('frees a claim whose execution failed or even succeeded without recording the version', async () => {
    for (const status of ['FAILED', 'SUCCEEDED'] as const) {
      // Prepare
      const deps = await endedRunDeps();
      const claimedAt = await claimRun(deps);
      deps.workflow.set(RUN, status, inputOf(RUN), STATES.stoppedInTraining);
      const fail = vi.spyOn(deps.registry, 'fail');
      // Act
      const outcome = await request(deps, claimedAt + 10 * MINUTE);
      // Assess
      expect(outcome).toMatchObject({ status: 'RUNNING', executionId: `${RUN}-retry2`, started: true });
      expect(fail.mock.calls[0]?.[2].error).toBe(status === 'FAILED' ? 'ExecutionFailed' : 'ExecutionUnrecorded');
    }
  });

  it('answers RUNNING for a live execution with one status read (no history), and for a young claim with none', async () => {
    // Prepare
    const deps = await endedRunDeps();
    const claimedAt = await claimRun(deps);
    deps.workflow.set(RUN, 'RUNNING', inputOf(RUN), STATES.stoppedInTraining);
    const running = { status: 'RUNNING', version: RUN, executionId: RUN, started: false };
    // Act + Assess: a live run is left alone.
    expect(await request(deps, claimedAt + 10 * MINUTE)).toEqual(running);
    expect([deps.workflow.statusReads, deps.workflow.descriptions]).toEqual([1, 0]);
    // A claim younger than the minimum age is not checked, even when its run was stopped at once.
    deps.workflow.set(RUN, 'ABORTED', inputOf(RUN), STATES.stoppedInTraining);
    expect(await request(deps, claimedAt + CLAIM_CHECK_MIN_AGE_MS - 1)).toEqual(running);
    expect(deps.workflow.statusReads).toBe(1);
    // From the minimum age on, the next request notices the abort.
    expect(await request(deps, claimedAt + CLAIM_CHECK_MIN_AGE_MS)).toMatchObject({ executionId: `${RUN}-retry2`, started: true });
  });

  it('falls back to describe on a workflow without a status read', async () => {
    // Prepare
    const deps = await endedRunDeps();
    const claimedAt = await claimRun(deps);
    deps.workflow.set(RUN, 'ABORTED', inputOf(RUN), STATES.stoppedInTraining);
    const describeOnly: Workflow = { start: (name, input) => deps.workflow.start(name, input), describe: (id) => deps.workflow.describe(id) };
    // Act + Assess
    expect(await request(deps, claimedAt + 10 * MINUTE, describeOnly)).toMatchObject({ executionId: `${RUN}-retry2`, started: true });
  });

  it('retries once when two requests find the ended execution at the same moment', async () => {
    // Prepare
    const deps = await endedRunDeps();
    const claimedAt = await claimRun(deps);
    await promoteRun(deps);
    deps.workflow.set(RUN, 'ABORTED', inputOf(RUN), STATES.stoppedAfterDecision);
    const fail = vi.spyOn(deps.registry, 'fail');
    // Act
    const outcomes = await Promise.all([1, 2, 3].map(() => request(deps, claimedAt + 10 * MINUTE)));
    // Assess: one request recorded the abort, one started the retry, all answer with it.
    expect(fail.mock.settledResults.filter((result) => result.type === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'RUNNING' && o.started)).toHaveLength(1);
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'RUNNING', executionId: `${RUN}-retry2` });
    expect(deps.workflow.started).toEqual([`${RUN}-retry2`]);
    expect(await deps.registry.current('lstm')).toBe(PRIOR);
  });
});
