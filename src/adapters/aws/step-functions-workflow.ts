import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  type DescribeExecutionOutput,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ExecutionDescription, ExecutionStatus, Workflow } from '../../ports/workflow.ts';
import { canonicalJson } from '../../registry/version.ts';
import { stateTimings } from './state-timings.ts';

/** Step Functions execution names: 1-80 characters, none of whitespace, brackets, wildcards or `"#%\^|~`$&,;:/`, no control characters. */
function isExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  if (/[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(name)) return false;
  return [...name].every((char) => {
    const code = char.codePointAt(0)!;
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}

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
    if (!/^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+$/.test(stateMachineArn)) {
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
    const executionArn = this.executionArnOf(name);
    const existing = await this.client.send(new DescribeExecutionCommand({ executionArn }));
    if (!sameJson(existing.input, input)) {
      throw new Error(`execution ${name} already exists with a different input; a version's input never changes, so this is a bug upstream`);
    }
    return { executionId: existing.name ?? name };
  }

  async describe(executionId: string): Promise<ExecutionDescription | undefined> {
    if (!executionId.startsWith('arn:') && !isExecutionName(executionId)) return undefined;
    const executionArn = executionId.startsWith('arn:') ? executionId : this.executionArnOf(executionId);
    let execution: DescribeExecutionOutput;
    try {
      execution = await this.client.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      const name = (error as { name?: string })?.name;
      if (name === 'ExecutionDoesNotExist' || name === 'InvalidArn') return undefined;
      throw error;
    }
    const status = toStatus(execution.status);
    const events = await this.history(executionArn);
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

  /** `arn:…:stateMachine:{machine}` → `arn:…:execution:{machine}:{name}`. */
  private executionArnOf(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  private async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: false }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }
}

function toStatus(status: string | undefined): ExecutionStatus {
  switch (status) {
    case 'RUNNING':
    case 'SUCCEEDED':
    case 'FAILED':
    case 'TIMED_OUT':
    case 'ABORTED':
      return status;
    case 'PENDING_REDRIVE':
      return 'FAILED'; // failed, and may be redriven: to a caller it has failed
    default:
      throw new Error(`unexpected Step Functions execution status ${JSON.stringify(status)}`);
  }
}

function toIso(date: Date | undefined): string | undefined {
  return date === undefined ? undefined : date.toISOString();
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sameJson(existingInput: string | undefined, input: unknown): boolean {
  try {
    return canonicalJson(parseJson(existingInput)) === canonicalJson(JSON.parse(JSON.stringify(input)));
  } catch {
    return false;
  }
}
