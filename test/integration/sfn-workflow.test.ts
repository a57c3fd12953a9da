// Step Functions has no local server that speaks its API for SDK clients here, so these tests
// drive the adapter against aws-sdk-client-mock with responses shaped like the real service's.
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFunctionsWorkflow } from '../../src/adapters/aws/step-functions-workflow.ts';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:TrainModel';
const VERSION = 'v2026.01.05-abc123def456';
const EXEC = `arn:aws:states:us-east-1:123456789012:execution:TrainModel:${VERSION}`;
const input = { kind: 'lstm', version: VERSION, skip_snapshot: false };

const sfn = mockClient(SFNClient);
const at = (second: number) => new Date(Date.UTC(2026, 0, 5, 12, 0, second));
const entered = (id: number, second: number, name: string, type = 'TaskStateEntered'): HistoryEvent =>
  ({ id, timestamp: at(second), type, stateEnteredEventDetails: { name } }) as HistoryEvent;
const exited = (id: number, second: number, name: string, type = 'TaskStateExited'): HistoryEvent =>
  ({ id, timestamp: at(second), type, stateExitedEventDetails: { name } }) as HistoryEvent;
const event = (id: number, second: number, type: string): HistoryEvent => ({ id, timestamp: at(second), type }) as HistoryEvent;

describe('StepFunctionsWorkflow', () => {
  beforeEach(() => {
    sfn.reset();
  });

  it('starts an execution named after the version with the JSON input, and returns its ARN', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXEC, startDate: at(0) });
    const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }), SM);
    // Act
    const started = await workflow.start(VERSION, input);
    // Assess
    expect(started).toEqual({ executionId: VERSION });
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({ stateMachineArn: SM, name: VERSION, input: JSON.stringify(input) });
  });

  it('treats ExecutionAlreadyExists with the same input as the same run', async () => {
    // Prepare: the execution exists (it closed); its stored input has its keys in another order.
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: `Execution Already Exists: '${EXEC}'`, $metadata: {} }));
    sfn.on(DescribeExecutionCommand, { executionArn: EXEC }).resolves({
      executionArn: EXEC,
      stateMachineArn: SM,
      name: VERSION,
      status: 'SUCCEEDED',
      startDate: at(0),
      input: JSON.stringify({ skip_snapshot: false, version: VERSION, kind: 'lstm' }),
    });
    const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }), SM);
    // Act
    const started = await workflow.start(VERSION, input);
    // Assess
    expect(started).toEqual({ executionId: VERSION });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(sfn.commandCalls(DescribeExecutionCommand)[0].args[0].input).toEqual({ executionArn: EXEC });
  });

  it('refuses to adopt an existing execution of that name with a different input', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXEC, status: 'RUNNING', startDate: at(0), input: JSON.stringify({ kind: 'patchtst' }) });
    const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }), SM);
    await expect(workflow.start(VERSION, input)).rejects.toThrow(/already exists with a different input/);
  });

  it('rejects names Step Functions would refuse, before calling it', async () => {
    const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }), SM);
    for (const name of ['', 'has space', 'a/b', 'x'.repeat(81), 'semi;colon']) {
      await expect(workflow.start(name, input), name).rejects.toThrow(/invalid execution name/);
    }
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(() => new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }), 'TrainModel')).toThrow(/not a state machine ARN/);
  });

  it('describes a finished execution with per-state timings from a paged, unordered history', async () => {
    // Prepare: Train → Decide promotion → Backfill snapshots (Map, 2 iterations) → Record result.
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXEC,
      name: VERSION,
      status: 'SUCCEEDED',
      startDate: at(0),
      stopDate: at(40),
      input: JSON.stringify(input),
      output: JSON.stringify({ version: VERSION, promoted: true }),
    });
    const page1 = [
      event(1, 0, 'ExecutionStarted'),
      entered(2, 1, 'Train'),
      event(3, 2, 'TaskScheduled'),
      exited(5, 10, 'Train'),
      entered(6, 10, 'Decide promotion'),
      exited(7, 11, 'Decide promotion'),
      entered(8, 11, 'Backfill snapshots', 'MapStateEntered'),
    ];
    const page2 = [
      entered(10, 12, 'Train snapshot'),
      entered(9, 12, 'Train snapshot'),
      event(4, 9, 'TaskSucceeded'),
      exited(11, 20, 'Train snapshot'),
      exited(12, 25, 'Train snapshot'),
      exited(13, 26, 'Backfill snapshots', 'MapStateExited'),
      entered(14, 26, 'Record result'),
      exited(15, 27, 'Record result'),
      event(16, 40, 'ExecutionSucceeded'),
    ];
    sfn.on(GetExecutionHistoryCommand).callsFake((request: { nextToken?: string }) =>
      request.nextToken === 'page-2' ? { events: page2 } : { events: page1, nextToken: 'page-2' },
    );
    const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }), SM);
    // Act
    const description = await workflow.describe(EXEC);
    // Assess
    expect(description).toEqual({
      executionId: VERSION,
      name: VERSION,
      status: 'SUCCEEDED',
      startedAt: at(0).toISOString(),
      stoppedAt: at(40).toISOString(),
      input,
      output: { version: VERSION, promoted: true },
      states: [
        { name: 'Train', startedAt: at(1).toISOString(), endedAt: at(10).toISOString(), status: 'SUCCEEDED' },
        { name: 'Decide promotion', startedAt: at(10).toISOString(), endedAt: at(11).toISOString(), status: 'SUCCEEDED' },
        { name: 'Backfill snapshots', startedAt: at(11).toISOString(), endedAt: at(26).toISOString(), status: 'SUCCEEDED' },
        { name: 'Train snapshot', startedAt: at(12).toISOString(), endedAt: at(20).toISOString(), status: 'SUCCEEDED' },
        { name: 'Train snapshot', startedAt: at(12).toISOString(), endedAt: at(25).toISOString(), status: 'SUCCEEDED' },
        { name: 'Record result', startedAt: at(26).toISOString(), endedAt: at(27).toISOString(), status: 'SUCCEEDED' },
      ],
    });
    expect(sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input.nextToken)).toEqual([undefined, 'page-2']);
  });

  it('describes a failed execution: the failing state, the failure path, error and cause', async () => {
    // Prepare: Train fails, is caught → Record failure → Fail.
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXEC,
      name: VERSION,
      status: 'FAILED',
      startDate: at(0),
      stopDate: at(9),
      input: JSON.stringify(input),
      error: 'States.TaskFailed',
      cause: 'trainer exited with code 1',
    });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        event(1, 0, 'ExecutionStarted'),
        entered(2, 1, 'Train'),
        event(3, 5, 'TaskFailed'),
        exited(4, 5, 'Train'),
        entered(5, 6, 'Record failure'),
        exited(6, 7, 'Record failure'),
        entered(7, 8, 'Fail', 'FailStateEntered'),
        event(8, 9, 'ExecutionFailed'),
      ],
    });
    const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }), SM);
    // Act
    const description = await workflow.describe(EXEC);
    // Assess
    expect(description).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed', cause: 'trainer exited with code 1' });
    expect(description?.output).toBeUndefined();
    expect(description?.states.map((state) => [state.name, state.status, state.endedAt])).toEqual([
      ['Train', 'FAILED', at(5).toISOString()],
      ['Record failure', 'SUCCEEDED', at(7).toISOString()],
      ['Fail', 'FAILED', at(9).toISOString()],
    ]);
  });

  it('describes a running execution with its open state still RUNNING', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXEC, name: VERSION, status: 'RUNNING', startDate: at(0), input: JSON.stringify(input) });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [event(1, 0, 'ExecutionStarted'), entered(2, 1, 'Train'), event(3, 2, 'TaskSubmitted')] });
    const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }), SM);
    const description = await workflow.describe(EXEC);
    expect(description?.status).toBe('RUNNING');
    expect(description?.stoppedAt).toBeUndefined();
    expect(description?.states).toEqual([{ name: 'Train', startedAt: at(1).toISOString(), status: 'RUNNING' }]);
  });

  it('answers undefined for an execution that does not exist', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }), SM);
    expect(await workflow.describe(`${EXEC}-nope`)).toBeUndefined();
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
  });

  it('reads a status with one DescribeExecution and no history, by name or ARN', async () => {
    // Prepare: an execution stopped by StopExecution.
    sfn.on(DescribeExecutionCommand, { executionArn: EXEC }).resolves({
      executionArn: EXEC,
      name: VERSION,
      status: 'ABORTED',
      startDate: at(0),
      stopDate: at(30),
      input: JSON.stringify(input),
      error: 'Stopped',
      cause: 'stopped from the console',
    });
    sfn.on(DescribeExecutionCommand, { executionArn: `${EXEC}-retry2` }).rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }), SM);
    // Act
    const byName = await workflow.status(VERSION);
    const byArn = await workflow.status(EXEC);
    // Assess
    const summary = { executionId: VERSION, status: 'ABORTED', startedAt: at(0).toISOString(), stoppedAt: at(30).toISOString(), error: 'Stopped', cause: 'stopped from the console' };
    expect(byName).toEqual(summary);
    expect(byArn).toEqual(summary);
    expect(await workflow.status(`${VERSION}-retry2`)).toBeUndefined();
    expect(await workflow.status('not a name')).toBeUndefined();
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(3);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
  });
});
