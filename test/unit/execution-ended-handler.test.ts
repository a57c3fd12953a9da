/**
 * functions/execution-ended: the EventBridge event of an execution that ended ABORTED, TIMED_OUT or
 * FAILED frees its version's claim (undoing the run's promotion first) only while the version is still
 * RUNNING under that execution; every other case, and every repeated delivery, changes nothing.
 */
import { describe, expect, it, vi } from 'vitest';
import { makeExecutionEndedHandler } from '../../functions/execution-ended/handler.ts';
import { localLambdaContext } from '../../functions/shared/lambda-context.ts';
import { startTraining } from '../../src/pipeline/start-training.ts';
import { claimRun, endedRunDeps, inputOf, PRIOR, promoteRun, RUN, STATES, type EndedRunTestDeps } from '../support/ended-run-fixture.ts';

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:Mizan-TrainModel';
const STOPPED = Date.UTC(2026, 0, 12, 11, 30);

/** The event as EventBridge delivers it (Step Functions fields: epoch-ms dates, the input as a JSON string, nulls for what is absent). */
function statusChange(name: string, status: string, overrides: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: '315c1398-40ff-a850-213b-158f73e60175',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '123456789012',
    time: new Date(STOPPED).toISOString(),
    region: 'us-east-1',
    resources: [`${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${name}`],
    detail: {
      executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${name}`,
      stateMachineArn: STATE_MACHINE,
      name,
      status,
      startDate: STOPPED - 3_600_000,
      stopDate: STOPPED,
      input: JSON.stringify(inputOf(name)),
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      error: null,
      cause: null,
      ...overrides,
    },
  };
}

const invoke = (deps: EndedRunTestDeps, event: unknown) => makeExecutionEndedHandler(deps)(event, localLambdaContext('execution-ended'));

describe('the execution-ended handler', () => {
  it('records an aborted run FAILED (ExecutionAborted) after undoing its promotion, and answers a repeated event with no change', async () => {
    // Prepare: the run promoted, then was stopped while publishing.
    const deps = await endedRunDeps();
    await claimRun(deps);
    await promoteRun(deps);
    deps.workflow.set(RUN, 'ABORTED', inputOf(RUN), STATES.stoppedAfterDecision);
    // Act
    const first = await invoke(deps, statusChange(RUN, 'ABORTED'));
    const recorded = await deps.registry.get('lstm', RUN);
    const again = await invoke(deps, statusChange(RUN, 'ABORTED'));
    // Assess
    const cause = `execution ${RUN} ended ABORTED at 2026-01-12T11:30:00.000Z without recording its version`;
    expect(first).toEqual({ recorded: true, error: { error: 'ExecutionAborted', cause }, promotionUndone: { undone: true, restoredTo: PRIOR } });
    expect(recorded).toMatchObject({ status: 'FAILED', executionId: RUN, error: { error: 'ExecutionAborted', cause } });
    expect(await deps.registry.current('lstm')).toBe(PRIOR);
    expect(again).toEqual({ recorded: false, why: 'not running' });
    expect(await deps.registry.get('lstm', RUN)).toEqual(recorded);
  });

  it('records a timed-out run ExecutionTimedOut, reading the input back when the event left it out', async () => {
    // Prepare
    const deps = await endedRunDeps();
    await claimRun(deps);
    deps.workflow.set(RUN, 'TIMED_OUT', inputOf(RUN), STATES.stoppedInTraining);
    // Act
    const outcome = await invoke(deps, statusChange(RUN, 'TIMED_OUT', { input: null, inputDetails: { included: false } }));
    // Assess
    expect(outcome).toMatchObject({ recorded: true, error: { error: 'ExecutionTimedOut' }, promotionUndone: { undone: false, why: 'not decided in this run' } });
    expect(await deps.registry.get('lstm', RUN)).toMatchObject({ status: 'FAILED', error: { error: 'ExecutionTimedOut' } });
  });

  it('records a failed run that "Record failure" could not record, with the execution\'s error', async () => {
    // Prepare
    const deps = await endedRunDeps();
    await claimRun(deps);
    deps.workflow.set(RUN, 'FAILED', inputOf(RUN), [...STATES.stoppedInTraining, 'Record failure']);
    // Act
    const outcome = await invoke(deps, statusChange(RUN, 'FAILED', { error: 'Lambda.ServiceException', cause: 'Rate exceeded' }));
    // Assess
    expect(outcome).toMatchObject({ recorded: true, error: { error: 'ExecutionFailed' } });
    expect((await deps.registry.get('lstm', RUN))?.error?.cause).toContain('(Lambda.ServiceException: Rate exceeded)');
  });

  it('leaves a failure "Record failure" recorded, and a claim a retry owns now, reading no history', async () => {
    // Prepare
    const deps = await endedRunDeps();
    await claimRun(deps);
    await deps.registry.fail('lstm', RUN, { error: 'States.TaskFailed', cause: 'the trainer crashed' });
    // Act
    const recordedByTheRun = await invoke(deps, statusChange(RUN, 'FAILED', { error: 'States.TaskFailed' }));
    await deps.registry.claim('lstm', RUN, `${RUN}-retry2`);
    const late = await invoke(deps, statusChange(RUN, 'ABORTED'));
    // Assess
    expect(recordedByTheRun).toEqual({ recorded: false, why: 'not running' });
    expect(late).toEqual({ recorded: false, why: 'claimed by another execution' });
    expect(await deps.registry.get('lstm', RUN)).toMatchObject({ status: 'RUNNING', executionId: `${RUN}-retry2` });
    expect(deps.workflow.descriptions).toBe(0);
  });

  it('records a run once when the event is delivered twice at the same moment, or races a request that frees the claim', async () => {
    // Prepare
    const deps = await endedRunDeps();
    const claimedAt = await claimRun(deps);
    await promoteRun(deps);
    deps.workflow.set(RUN, 'ABORTED', inputOf(RUN), STATES.stoppedAfterDecision);
    const fail = vi.spyOn(deps.registry, 'fail');
    const request = () =>
      startTraining(inputOf(RUN).plan, { skipSnapshot: true }, { ...deps, publisherEnabled: false, now: () => claimedAt + 10 * 60_000 });
    // Act
    const [one, other, retry] = await Promise.all([invoke(deps, statusChange(RUN, 'ABORTED')), invoke(deps, statusChange(RUN, 'ABORTED')), request()]);
    // Assess: exactly one of the three recorded the abort; the request retried under a new name either way.
    expect(fail.mock.settledResults.filter((result) => result.type === 'fulfilled')).toHaveLength(1);
    expect([one, other].filter((o) => o.recorded).length).toBeLessThanOrEqual(1);
    expect(retry).toMatchObject({ status: 'RUNNING', started: true, executionId: `${RUN}-retry2` });
    expect(deps.workflow.started).toEqual([`${RUN}-retry2`]);
    expect(await deps.registry.current('lstm')).toBe(PRIOR);
  });

  it('refuses an event that is not an ended TrainModel execution', async () => {
    const deps = await endedRunDeps();
    await expect(invoke(deps, statusChange(RUN, 'RUNNING'))).rejects.toThrow();
    await expect(invoke(deps, { ...statusChange(RUN, 'ABORTED'), source: 'aws.batch' })).rejects.toThrow();
    await expect(invoke(deps, statusChange(RUN, 'ABORTED', { input: JSON.stringify({ plan: { kind: 'lstm' } }) }))).rejects.toThrow();
  });
});
