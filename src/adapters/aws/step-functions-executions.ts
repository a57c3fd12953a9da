/**
 * The executions of the TrainModel state machine on Step Functions, as the dashboard's execution
 * records: what the local runner stores in `{dataDir}/executions/` (status, input and output, error
 * and cause, per-state timings and the failed states' events), read from ListExecutions,
 * DescribeExecution and GetExecutionHistory. It only reads.
 */
import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionRecord, ExecutionSource } from '../../ports/execution-source.ts';
import { executionTimeline } from './execution-timeline.ts';
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

export interface StepFunctionsExecutionsOptions {
  /** Executions read at once (each is a DescribeExecution and one or more history pages). Default 4. */
  concurrency?: number;
}

export class StepFunctionsExecutions implements ExecutionSource {
  private readonly concurrency: number;

  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
    options: StepFunctionsExecutionsOptions = {},
  ) {
    if (!isStateMachineArn(stateMachineArn)) throw new Error(`not a state machine ARN: ${JSON.stringify(stateMachineArn)}`);
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  /** Every execution Step Functions still lists (it keeps closed ones for 90 days). */
  async list(): Promise<ExecutionRecord[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListExecutionsCommand({ stateMachineArn: this.stateMachineArn, maxResults: 1000, nextToken }));
      for (const execution of page.executions ?? []) if (execution.executionArn) arns.push(execution.executionArn);
      nextToken = page.nextToken;
    } while (nextToken);
    const records = await mapWithLimit(arns, this.concurrency, (arn) => this.readArn(arn));
    return records.filter((record): record is ExecutionRecord => record !== undefined);
  }

  async read(executionId: string): Promise<ExecutionRecord | undefined> {
    if (!isExecutionName(executionId)) return undefined;
    return this.readArn(executionArnOf(this.stateMachineArn, executionId));
  }

  private async readArn(executionArn: string): Promise<ExecutionRecord | undefined> {
    const execution = await describeExecution(this.client, executionArn);
    if (!execution) return undefined; // gone between the listing and now
    const history = await executionHistory(this.client, executionArn, true);
    const status = toStatus(execution.status);
    const stoppedAt = toIso(execution.stopDate);
    const { states, events } = executionTimeline(history, { status, stoppedAt, error: execution.error, cause: execution.cause });
    const name = execution.name ?? executionArn.slice(executionArn.lastIndexOf(':') + 1);
    return {
      executionId: name,
      name,
      status,
      startedAt: toIso(execution.startDate) ?? '',
      ...(stoppedAt !== undefined ? { stoppedAt } : {}),
      input: parseJson(execution.input),
      ...(execution.output !== undefined ? { output: parseJson(execution.output) } : {}),
      ...(execution.error !== undefined ? { error: execution.error } : {}),
      ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
      states,
      events,
    };
  }
}

/** `fn` over `items`, at most `limit` at a time (Step Functions throttles bursts of reads), in order. */
async function mapWithLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
