/** Runs whose execution ended without recording the version: the error recorded, and when their promotion is undone. */
import { describe, expect, it } from 'vitest';
import { decidedPromotion, endedRunError, recordEndedRun } from '../../src/pipeline/ended-run.ts';
import { claimRun, endedRunDeps, inputOf, plan, PRIOR, promoteRun, RUN, STATES } from '../support/ended-run-fixture.ts';

const aborted = { executionId: RUN, status: 'ABORTED' as const, stoppedAt: '2026-01-12T11:30:00.000Z' };

describe('endedRunError', () => {
  it('names the way the execution ended, the execution and its stop time', () => {
    expect(endedRunError(aborted)).toEqual({ error: 'ExecutionAborted', cause: `execution ${RUN} ended ABORTED at 2026-01-12T11:30:00.000Z without recording its version` });
    expect(endedRunError({ ...aborted, status: 'TIMED_OUT' }).error).toBe('ExecutionTimedOut');
    expect(endedRunError({ ...aborted, status: 'SUCCEEDED' }).error).toBe('ExecutionUnrecorded');
    const failed = endedRunError({ ...aborted, status: 'FAILED', error: 'Lambda.ServiceException', cause: 'x'.repeat(2000) });
    expect(failed.error).toBe('ExecutionFailed');
    expect(failed.cause).toMatch(/ended FAILED at .* \(Lambda\.ServiceException: x+…\)$/);
    expect(failed.cause.length).toBeLessThan(700);
  });
});

describe('decidedPromotion', () => {
  it('is the state machine\'s "Decide promotion" state, completed in this execution', () => {
    const states = (names: string[], last: 'SUCCEEDED' | 'FAILED') =>
      ({ states: names.map((name, i) => ({ name, startedAt: '', status: i === names.length - 1 ? last : 'SUCCEEDED' })) }) as never;
    expect(decidedPromotion(states(STATES.stoppedAfterDecision, 'FAILED'))).toBe(true);
    expect(decidedPromotion(states(STATES.stoppedInDecision, 'FAILED'))).toBe(false); // its Lambda may still promote: see the doc
    expect(decidedPromotion(states(STATES.stoppedInTraining, 'FAILED'))).toBe(false);
    expect(decidedPromotion(undefined)).toBe(false);
  });
});

describe('recordEndedRun', () => {
  it('undoes the promotion of a run stopped after its decision, then records it FAILED', async () => {
    // Prepare
    const deps = await endedRunDeps();
    await claimRun(deps);
    await promoteRun(deps);
    deps.workflow.set(RUN, 'ABORTED', inputOf(RUN), STATES.stoppedAfterDecision);
    // Act
    const outcome = await recordEndedRun({ plan, execution: aborted }, deps);
    // Assess
    expect(outcome).toEqual({ recorded: true, error: endedRunError(aborted), promotionUndone: { undone: true, restoredTo: PRIOR } });
    expect(await deps.registry.current('lstm')).toBe(PRIOR);
    expect(await deps.registry.get('lstm', RUN)).toMatchObject({ status: 'FAILED', error: endedRunError(aborted) });
  });

  it('leaves `current` alone when the run stopped before its decision (a re-run of the current version, aborted in training)', async () => {
    // Prepare: RUN is current from an earlier run; a reopened run of it is stopped before deciding.
    const deps = await endedRunDeps();
    await claimRun(deps);
    await promoteRun(deps);
    await deps.registry.complete('lstm', RUN, { version: RUN });
    const reopened = await deps.registry.claim('lstm', RUN, `${RUN}-retry2`, { reopenSucceeded: true });
    expect(reopened.claimed).toBe(true);
    deps.workflow.set(`${RUN}-retry2`, 'ABORTED', inputOf(`${RUN}-retry2`), STATES.stoppedInTraining);
    // Act
    const outcome = await recordEndedRun({ plan, execution: { ...aborted, executionId: `${RUN}-retry2` } }, deps);
    // Assess
    expect(outcome).toMatchObject({ recorded: true, promotionUndone: { undone: false, why: 'not decided in this run' } });
    expect(await deps.registry.current('lstm')).toBe(RUN);
  });

  it('leaves a version that is not RUNNING under this execution as it is, reading no history', async () => {
    // Prepare
    const deps = await endedRunDeps();
    await claimRun(deps, `${RUN}-retry3`);
    // Act + Assess
    expect(await recordEndedRun({ plan, execution: aborted }, deps)).toEqual({ recorded: false, why: 'claimed by another execution' });
    await deps.registry.fail('lstm', RUN, { error: 'States.TaskFailed', cause: 'recorded by Record failure' });
    expect(await recordEndedRun({ plan, execution: { ...aborted, executionId: `${RUN}-retry3` } }, deps)).toEqual({ recorded: false, why: 'not running' });
    expect(await recordEndedRun({ plan: { ...plan, version: PRIOR }, execution: aborted }, deps)).toEqual({ recorded: false, why: 'no claim' });
    expect(deps.workflow.descriptions).toBe(0);
    expect((await deps.registry.get('lstm', RUN))?.error?.cause).toBe('recorded by Record failure');
  });
});
