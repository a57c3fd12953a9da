/**
 * Step Functions for the deployed tier, on its wire protocol (awsJson1_0, `X-Amz-Target:
 * AWSStepFunctions.*`): StartExecution, DescribeExecution, GetExecutionHistory, StopExecution. Each
 * execution runs the synthesized definition with aws-local-stepfunctions; every Task state goes to
 * `runTask` with its resource and its effective input (after Parameters), which the tier resolves to
 * a Lambda bundle or a Batch job. When an execution ends, `onStatusChange` gets the
 * "Step Functions Execution Status Change" event EventBridge would carry.
 */
import '../../../src/adapters/local-workflow/promise-with-resolvers.ts'; // aws-local-stepfunctions 3 uses Promise.withResolvers (Node 22)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../support/read-body.ts';
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

type Json = Record<string, unknown>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface TaskCall {
  execution: Execution;
  stateName: string;
  /** The state's Resource (a Lambda ARN, or arn:aws:states:::batch:submitJob.sync). */
  resource: string;
  input: unknown;
}

export interface StatusChangeEvent {
  source: 'aws.states';
  'detail-type': 'Step Functions Execution Status Change';
  account: string;
  region: string;
  time: string;
  resources: string[];
  detail: Json;
}

export interface Execution {
  executionArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  events: Json[];
  done: Promise<void>;
  abort: () => void;
}

export interface StepFunctionsServerOptions {
  stateMachineArn: string;
  definition: Json;
  account: string;
  region: string;
  runTask: (call: TaskCall) => Promise<unknown>;
  /** Called when an execution is stopped (aborted or timed out) with its Tasks still open: Batch jobs to terminate. */
  onStopped?: (execution: Execution) => void;
  onStatusChange?: (event: StatusChangeEvent) => Promise<void>;
}

export class StepFunctionsServer {
  readonly executions = new Map<string, Execution>();
  private server: Server | undefined;
  url = '';

  constructor(private readonly options: StepFunctionsServerOptions) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const execution of this.executions.values()) if (execution.status === 'RUNNING') execution.abort();
    await Promise.allSettled([...this.executions.values()].map((e) => e.done));
    await new Promise((resolve) => this.server?.close(resolve));
  }

  execution(name: string): Execution {
    const found = this.executions.get(name);
    if (!found) throw new Error(`no execution ${name}`);
    return found;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const operation = String(request.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
    const reply = (status: number, body: Json) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(body));
    };
    const fault = (type: string, message: string) => reply(400, { __type: `com.amazonaws.states#${type}`, message });
    try {
      const body = JSON.parse((await readBody(request)).toString('utf8') || '{}') as Json;
      if (operation === 'StartExecution') {
        if (body.stateMachineArn !== this.options.stateMachineArn) return fault('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`);
        const name = String(body.name);
        const input = String(body.input ?? '{}');
        const existing = this.executions.get(name);
        if (existing) {
          // A running execution started again with the same input is the same execution; anything else is refused.
          if (existing.status === 'RUNNING' && existing.input === input) return reply(200, { executionArn: existing.executionArn, startDate: seconds(existing.startDate) });
          return fault('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
        }
        const execution = this.run(name, input);
        return reply(200, { executionArn: execution.executionArn, startDate: seconds(execution.startDate) });
      }
      const execution = [...this.executions.values()].find((e) => e.executionArn === body.executionArn);
      if (!execution) return fault('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(body.executionArn)}'`);
      if (operation === 'DescribeExecution') return reply(200, describe(execution, this.options.stateMachineArn));
      if (operation === 'GetExecutionHistory') {
        const events = body.reverseOrder ? [...execution.events].reverse() : execution.events;
        return reply(200, { events });
      }
      if (operation === 'StopExecution') {
        if (execution.status === 'RUNNING') execution.abort();
        await execution.done;
        return reply(200, { stopDate: seconds(execution.stopDate ?? new Date()) });
      }
      return fault('UnknownOperationException', `operation ${operation} is not served here`);
    } catch (error) {
      reply(500, { __type: 'com.amazonaws.states#InternalFailure', message: (error as Error).message });
    }
  }

  private run(name: string, input: string): Execution {
    const arnParts = this.options.stateMachineArn.split(':');
    const executionArn = [...arnParts.slice(0, 5), 'execution', arnParts[6], name].join(':');
    const machine = new StateMachine(this.options.definition as unknown as StateMachineDefinition, { validationOptions: { checkArn: true, checkPaths: true } });
    const execution: Execution = { executionArn, name, input, status: 'RUNNING', startDate: new Date(), events: [], done: Promise.resolve(), abort: () => undefined };
    let stopped = false;
    const handlers = Object.fromEntries(
      taskStates(this.options.definition).map(({ name: stateName, resource }) => [
        stateName,
        async (taskInput: unknown) => {
          try {
            return (await this.options.runTask({ execution, stateName, resource, input: taskInput })) as never;
          } catch (error) {
            // A task failing because its execution was stopped reports to nobody: the engine has moved on.
            if (execution.status !== 'RUNNING' || stopped) return new Promise<never>(() => undefined);
            throw error;
          }
        },
      ]),
    );
    const running = machine.run(JSON.parse(input), {
      overrides: { taskResourceLocalHandlers: handlers },
      context: {
        Execution: { Id: executionArn, Name: name, Input: JSON.parse(input), StartTime: execution.startDate.toISOString() },
        StateMachine: { Id: this.options.stateMachineArn, Name: arnParts[6] },
      } as never,
    });
    execution.abort = () => {
      stopped = true;
      running.abort();
    };
    let id = 0;
    const push = (type: string, details: Json = {}) => execution.events.push({ id: ++id, timestamp: seconds(new Date()), type, ...details });
    const consume = (async () => {
      for await (const event of running.eventLogs) push(...toHistoryEvent(event as unknown as Json));
    })();
    execution.done = (async () => {
      try {
        execution.output = JSON.stringify(await running.result);
        execution.status = 'SUCCEEDED';
      } catch (error) {
        if (error instanceof ExecutionAbortedError) execution.status = 'ABORTED';
        else if (error instanceof ExecutionTimeoutError) execution.status = 'TIMED_OUT';
        else {
          execution.status = 'FAILED';
          // ExecutionError wraps what failed it (a Fail state's Error and Cause, or an uncaught task error).
          const failure = ((error as { cause?: unknown }).cause ?? error) as { name?: string; message?: string };
          execution.error = failure.name;
          execution.cause = failure.message;
        }
        if (execution.status !== 'FAILED') this.options.onStopped?.(execution);
      }
      execution.stopDate = new Date();
      await consume.catch(() => undefined);
      if (execution.status === 'ABORTED') push('ExecutionAborted', { executionAbortedEventDetails: {} });
      if (execution.status === 'TIMED_OUT') push('ExecutionTimedOut', { executionTimedOutEventDetails: {} });
      await this.options.onStatusChange?.(statusChange(execution, this.options));
    })();
    this.executions.set(name, execution);
    return execution;
  }
}

/** Every Task state of a definition, Map item processors included. */
export function taskStates(definition: Json): Array<{ name: string; resource: string; state: Json }> {
  const found: Array<{ name: string; resource: string; state: Json }> = [];
  for (const [name, state] of Object.entries((definition.States ?? {}) as Record<string, Json>)) {
    if (state.Type === 'Task') found.push({ name, resource: String(state.Resource), state });
    for (const nested of [state.ItemProcessor, state.Iterator]) if (nested) found.push(...taskStates(nested as Json));
    for (const branch of (state.Branches as Json[] | undefined) ?? []) found.push(...taskStates(branch));
  }
  return found;
}

/** aws-local-stepfunctions' event → the type and details of Step Functions' history event. */
function toHistoryEvent(event: Json): [string, Json] {
  const state = event.state as { name: string; type: string; input?: unknown; output?: unknown } | undefined;
  const type = String(event.type);
  const failure = { error: event.Error, cause: typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause) };
  if (type === 'ExecutionStarted') return ['ExecutionStarted', { executionStartedEventDetails: { input: JSON.stringify(event.input) } }];
  if (type === 'ExecutionSucceeded') return ['ExecutionSucceeded', { executionSucceededEventDetails: { output: JSON.stringify(event.output) } }];
  if (type === 'ExecutionFailed') return ['ExecutionFailed', { executionFailedEventDetails: failure }];
  if (type === 'StateEntered' && state) return [`${state.type}StateEntered`, { stateEnteredEventDetails: { name: state.name, input: JSON.stringify(state.input) } }];
  if (type === 'StateExited' && state) return [`${state.type}StateExited`, { stateExitedEventDetails: { name: state.name, output: JSON.stringify(state.output) } }];
  if (type === 'StateFailed' && state) return [state.type === 'Task' ? 'TaskFailed' : `${state.type}StateFailed`, { taskFailedEventDetails: failure }];
  if (type.startsWith('MapIteration')) return [type, { mapIterationEventDetails: { name: (event.parentState as { name?: string } | undefined)?.name, index: event.index } }];
  return [type, {}];
}

function describe(execution: Execution, stateMachineArn: string): Json {
  return {
    executionArn: execution.executionArn,
    stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: seconds(execution.startDate),
    ...(execution.stopDate ? { stopDate: seconds(execution.stopDate) } : {}),
    input: execution.input,
    ...(execution.output !== undefined ? { output: execution.output } : {}),
    ...(execution.error !== undefined ? { error: execution.error } : {}),
    ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
  };
}

function statusChange(execution: Execution, options: StepFunctionsServerOptions): StatusChangeEvent {
  return {
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    account: options.account,
    region: options.region,
    time: (execution.stopDate ?? new Date()).toISOString(),
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: options.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime(),
      stopDate: execution.stopDate?.getTime() ?? null,
      input: execution.input,
      output: execution.output ?? null,
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}

const seconds = (date: Date) => date.getTime() / 1000;
