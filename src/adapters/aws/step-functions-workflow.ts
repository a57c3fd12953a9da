import { DescribeExecutionCommand, StartExecutionCommand, type DescribeExecutionOutput, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionDescription, ExecutionSummary, Workflow } from '../../ports/workflow.ts';
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
    const executionArn = this.arnOf(executionId);
    const execution = executionArn ? await describeExecution(this.client, executionArn) : undefined;
    if (!executionArn || !execution) return undefined;
    const summary = summaryOf(execution, executionId);
    const events = await executionHistory(this.client, executionArn);
    return {
      ...summary,
      name: execution.name ?? '',
      input: parseJson(execution.input),
      ...(execution.output !== undefined ? { output: parseJson(execution.output) } : {}),
      states: stateTimings(events, summary.status, summary.stoppedAt),
    };
  }

  /** One DescribeExecution, no history: cheap enough for every request that finds a claim to check. */
  async status(executionId: string): Promise<ExecutionSummary | undefined> {
    const executionArn = this.arnOf(executionId);
    const execution = executionArn ? await describeExecution(this.client, executionArn) : undefined;
    return execution ? summaryOf(execution, executionId) : undefined;
  }

  /** A name or a full ARN → the execution ARN; undefined for what cannot name an execution. */
  private arnOf(executionId: string): string | undefined {
    if (executionId.startsWith('arn:')) return executionId;
    return isExecutionName(executionId) ? executionArnOf(this.stateMachineArn, executionId) : undefined;
  }
}

function summaryOf(execution: DescribeExecutionOutput, executionId: string): ExecutionSummary {
  return {
    executionId: execution.name ?? executionId,
    status: toStatus(execution.status),
    startedAt: toIso(execution.startDate) ?? '',
    ...(execution.stopDate ? { stoppedAt: toIso(execution.stopDate) } : {}),
    ...(execution.error !== undefined ? { error: execution.error } : {}),
    ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
  };
}

function sameJson(existingInput: string | undefined, input: unknown): boolean {
  try {
    return canonicalJson(parseJson(existingInput)) === canonicalJson(JSON.parse(JSON.stringify(input)));
  } catch {
    return false;
  }
}
