/**
 * Reading one Step Functions execution: its description and its whole event history. Shared by the
 * workflow adapter (a run's status for the API) and the dashboard's execution records, so both read
 * an execution the same way.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type DescribeExecutionOutput,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ExecutionStatus } from '../../ports/workflow.ts';

const STATE_MACHINE_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+$/;

export function isStateMachineArn(value: string): boolean {
  return STATE_MACHINE_ARN.test(value);
}

/** Step Functions execution names: 1-80 characters, none of whitespace, brackets, wildcards or `"#%\^|~`$&,;:/`, no control characters. */
export function isExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  if (/[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(name)) return false;
  return [...name].every((char) => {
    const code = char.codePointAt(0)!;
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}

/** `arn:…:stateMachine:{machine}` → `arn:…:execution:{machine}:{name}`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** DescribeExecution, or undefined when there is no such execution. */
export async function describeExecution(client: SFNClient, executionArn: string): Promise<DescribeExecutionOutput | undefined> {
  try {
    return await client.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    const name = (error as { name?: string })?.name;
    if (name === 'ExecutionDoesNotExist' || name === 'InvalidArn') return undefined;
    throw error;
  }
}

/**
 * Every event of the execution, following the pages. `includeExecutionData` adds each state's input
 * and output (the dashboard reads a Map iteration's snapshot year from it; the API needs neither).
 */
export async function executionHistory(client: SFNClient, executionArn: string, includeExecutionData = false): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export function toStatus(status: string | undefined): ExecutionStatus {
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

export function toIso(date: Date | undefined): string | undefined {
  return date === undefined ? undefined : date.toISOString();
}

/** An execution's input or output: JSON as Step Functions stores it, the raw text if it is not JSON. */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
