// The dashboard's execution records from Step Functions, against aws-sdk-client-mock (no local server
// speaks its API): every listed execution read, a few at a time; unknown or impossible names answer undefined.
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { StepFunctionsExecutions } from '../../src/adapters/aws/step-functions-executions.ts';

const SM = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Mizan-TrainModel';
const arnOf = (name: string) => `arn:aws:states:eu-west-1:123456789012:execution:Mizan-TrainModel:${name}`;
const names = ['v2026.01.02-000000000001', 'v2026.01.02-000000000002', 'v2026.01.02-000000000003', 'v2026.01.02-000000000004', 'v2026.01.02-000000000005'];
const sfn = mockClient(SFNClient);

describe('StepFunctionsExecutions', () => {
  beforeEach(() => sfn.reset());
  afterAll(() => sfn.restore());

  it('lists every page and reads each execution, at most `concurrency` at once, leaving out one gone meanwhile', async () => {
    // Prepare: three executions on the first page, two on the second; the last one was deleted after the listing.
    sfn.on(ListExecutionsCommand).callsFake((input: { nextToken?: string }) =>
      input.nextToken ? { executions: names.slice(3).map((name) => ({ executionArn: arnOf(name) })) } : { executions: names.slice(0, 3).map((name) => ({ executionArn: arnOf(name) })), nextToken: 't2' },
    );
    let inFlight = 0;
    let most = 0;
    sfn.on(DescribeExecutionCommand).callsFake(async (input: { executionArn: string }) => {
      most = Math.max(most, ++inFlight);
      await sleep(10);
      inFlight--;
      const name = input.executionArn.split(':').at(-1)!;
      if (name === names[4]) throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
      return { executionArn: input.executionArn, name, status: 'PENDING_REDRIVE', startDate: new Date(Date.UTC(2026, 0, 2)), stopDate: new Date(Date.UTC(2026, 0, 2, 1)), input: '{"plan":{}}', error: 'States.TaskFailed' };
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    const executions = new StepFunctionsExecutions(new SFNClient({ region: 'eu-west-1' }), SM, { concurrency: 2 });

    // Act
    const records = await executions.list();

    // Assess
    expect(records.map((r) => r.executionId)).toEqual(names.slice(0, 4));
    expect(records[0]).toMatchObject({ name: names[0], status: 'FAILED', input: { plan: {} }, error: 'States.TaskFailed', states: [], events: [] });
    expect(most).toBe(2);
    expect(sfn.commandCalls(ListExecutionsCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: SM, maxResults: 1000, nextToken: undefined },
      { stateMachineArn: SM, maxResults: 1000, nextToken: 't2' },
    ]);
  });

  it('answers undefined for an execution that is not there, or a name Step Functions could not have given', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    const executions = new StepFunctionsExecutions(new SFNClient({ region: 'eu-west-1' }), SM);

    expect(await executions.read('v2026.01.02-ffffffffffff')).toBeUndefined();
    expect(await executions.read('../../etc/passwd')).toBeUndefined();
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual([arnOf('v2026.01.02-ffffffffffff')]);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
    expect(() => new StepFunctionsExecutions(new SFNClient({ region: 'eu-west-1' }), 'Mizan-TrainModel')).toThrow(/not a state machine ARN/);
  });
});
