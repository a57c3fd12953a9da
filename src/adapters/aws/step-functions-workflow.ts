import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionDescription, Workflow } from '../../ports/workflow.ts';
import { canonicalJson } from '../../registry/version.ts';
import {
  describeExecution,
  executionArnOf,
  executionHistory,
  isExecutionName,
  isStateMachineArn,
  parseJson,
  toIso,
  toStatus,
} from './sfn-execution-reads.ts';
import { stateTimings } from './state-timings.ts';

/**
 * Runs the `TrainModel` state machine on AWS Step Functions. The execution id mizan hands
 * out is the execution *name* (the version, or `{version}-retryN`): the same id locally and
 * on AWS, safe in a URL path; `describe` also takes a full ARN. One name is one run: starting a name again with the same input returns
 * the existing execution (Step Functions keeps names unique for 90 days after they close).
 */
export class StepFunctionsWorkflow implements Workflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {
    if (!isStateMachineArn(stateMachineArn)) {
      throw new Error(`not a state machine ARN: ${JSON.stringify(stateMachineArn)}`);
    }
  }

  async start(name: string, input: unknown): Promise<{ executionId: string }> {
    if (!isExecutionName(name)) {
      throw new Error(`invalid execution name ${JSON.stringify(name)}: 1-80 characters, no whitespace or any of <>{}[]?*"#%\\^|~\`$&,;:/`);
    }
    const inputJson = JSON.stringify(input);
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: inputJson }));
      return { executionId: name };
    } catch (error) {
      if ((error as { name?: string })?.name !== 'ExecutionAlreadyExists') throw error;
    }
    // The name was used before (a run that closed, or one started with a different input): find it.
    const existing = await this.client.send(new DescribeExecutionCommand({ executionArn: executionArnOf(this.stateMachineArn, name) }));
    if (!sameJson(existing.input, input)) {
      throw new Error(`execution ${name} already exists with a different input; a version's input never changes, so this is a bug upstream`);
    }
    return { executionId: existing.name ?? name };
  }

  async describe(executionId: string): Promise<ExecutionDescription | undefined> {
    if (!executionId.startsWith('arn:') && !isExecutionName(executionId)) return undefined;
    const executionArn = executionId.startsWith('arn:') ? executionId : executionArnOf(this.stateMachineArn, executionId);
    const execution = await describeExecution(this.client, executionArn);
    if (!execution) return undefined;
    const status = toStatus(execution.status);
    const events = await executionHistory(this.client, executionArn);
    return {
      executionId: execution.name ?? executionId,
      name: execution.name ?? '',
      status,
      startedAt: toIso(execution.startDate) ?? '',
      ...(execution.stopDate ? { stoppedAt: toIso(execution.stopDate) } : {}),
      input: parseJson(execution.input),
      ...(execution.output !== undefined ? { output: parseJson(execution.output) } : {}),
      ...(execution.error !== undefined ? { error: execution.error } : {}),
      ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
      states: stateTimings(events, status, toIso(execution.stopDate)),
    };
  }
}

function sameJson(existingInput: string | undefined, input: unknown): boolean {
  try {
    return canonicalJson(parseJson(existingInput)) === canonicalJson(JSON.parse(JSON.stringify(input)));
  } catch {
    return false;
  }
}
