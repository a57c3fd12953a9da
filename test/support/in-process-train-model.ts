/**
 * The TrainModel state machine as Step Functions runs it on AWS, in one process: the committed ASL
 * (the deployed definition, its Retry and Catch) run by aws-local-stepfunctions, Batch tasks as the
 * trainer job in-process (src/pipeline/train-job.ts, what containers/trainer/entrypoint.ts runs),
 * Lambda tasks as the handlers of functions/, and an execution that ends FAILED delivered to the
 * ExecutionEnded handler as the EventBridge rule would (with Lambda's two async retries).
 * All of it on the deps given (tests: the S3 and DynamoDB adapters on s3rver and dynalite).
 */
import '../../src/adapters/local-workflow/promise-with-resolvers.ts'; // aws-local-stepfunctions needs it on Node 20
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { makeDecidePromotionHandler } from '../../functions/decide-promotion/handler.ts';
import { makeExecutionEndedHandler } from '../../functions/execution-ended/handler.ts';
import { makePublishHandler } from '../../functions/publish/handler.ts';
import { makeRecordFailureHandler } from '../../functions/record-failure/handler.ts';
import { makeRecordResultHandler } from '../../functions/record-result/handler.ts';
import { localLambdaContext } from '../../functions/shared/lambda-context.ts';
import { localTrainModelDefinition } from '../../src/adapters/local-workflow/local-definition.ts';
import { timingsFromEvents } from '../../src/adapters/local-workflow/execution-store.ts';
import type { HistoryEvent } from '../../src/ports/execution-source.ts';
import { STATE, TRAINER_ENV } from '../../src/ports/train-model.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import type { TrainJobSpec } from '../../src/pipeline/plan.ts';
import { runTrainJob, type TrainJobDeps } from '../../src/pipeline/train-job.ts';
import type { Publisher } from '../../src/ports/publisher.ts';
import type { ExecutionDescription, ExecutionSummary, Workflow } from '../../src/ports/workflow.ts';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:TrainModel';
/** Lambda's asynchronous invocation: the first try and two retries. */
const ASYNC_INVOKE_ATTEMPTS = 3;

export type InProcessDeps = Omit<TrainJobDeps, 'log'> & { publisher: Publisher };

interface SubmitJobRequest {
  ContainerOverrides?: { Environment?: { Name: string; Value: string }[] };
}

/** How a failed Batch job surfaces in the state machine: `States.TaskFailed`, the job description as the cause. */
class TaskFailedError extends Error {
  override name = 'States.TaskFailed';
}

export class InProcessTrainModel implements Workflow {
  private readonly executions = new Map<string, ExecutionDescription>();
  private readonly ends = new Map<string, Promise<void>>();

  constructor(private readonly deps: InProcessDeps) {}

  async start(name: string, input: unknown): Promise<{ executionId: string }> {
    const existing = this.executions.get(name);
    if (existing) {
      if (JSON.stringify(existing.input) === JSON.stringify(input)) return { executionId: name };
      throw Object.assign(new Error(`execution ${name} already exists with another input`), { name: 'ExecutionAlreadyExists' });
    }
    const description: ExecutionDescription = { executionId: name, name, status: 'RUNNING', startedAt: new Date().toISOString(), input, states: [] };
    this.executions.set(name, description);
    this.ends.set(name, this.run(description));
    return { executionId: name };
  }

  async describe(executionId: string): Promise<ExecutionDescription | undefined> {
    return this.executions.get(executionId);
  }

  async status(executionId: string): Promise<ExecutionSummary | undefined> {
    const found = this.executions.get(executionId);
    if (!found) return undefined;
    const { executionId: id, status, startedAt, stoppedAt, error, cause } = found;
    return { executionId: id, status, startedAt, ...(stoppedAt ? { stoppedAt } : {}), ...(error ? { error } : {}), ...(cause ? { cause } : {}) };
  }

  /** The execution once it has ended and, if it failed, its end event has been delivered. */
  async waitFor(executionId: string): Promise<ExecutionDescription> {
    const end = this.ends.get(executionId);
    if (!end) throw new Error(`no execution ${executionId}`);
    await end;
    return this.executions.get(executionId)!;
  }

  private async run(description: ExecutionDescription): Promise<void> {
    const { deps } = this;
    const steps = {
      decide: makeDecidePromotionHandler(deps),
      publish: makePublishHandler(deps),
      result: makeRecordResultHandler(deps),
      failure: makeRecordFailureHandler(deps),
    };
    const lambda = (name: string, handler: (event: unknown, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>) => async (input: unknown) =>
      (await handler(input, localLambdaContext(name))) as never;
    const batch = async (input: unknown) => (await this.trainerJob(input as SubmitJobRequest)) as never;
    const machine = new StateMachine(localTrainModelDefinition() as unknown as StateMachineDefinition, { validationOptions: { checkArn: true, checkPaths: true } });
    const execution = machine.run(description.input as never, {
      overrides: {
        taskResourceLocalHandlers: {
          [STATE.train]: batch,
          [STATE.fineTune]: batch,
          [STATE.trainSnapshot]: batch,
          [STATE.scoreWalkForward]: batch,
          [STATE.decidePromotion]: lambda('mizan-decide-promotion', steps.decide),
          [STATE.publish]: lambda('mizan-publish', steps.publish),
          [STATE.recordResult]: lambda('mizan-record-result', steps.result),
          [STATE.recordFailure]: lambda('mizan-record-failure', steps.failure),
        },
      },
      context: { Execution: { Id: description.executionId, Name: description.name, Input: description.input as never, StartTime: description.startedAt } },
    });
    const events: HistoryEvent[] = [];
    const consumed = (async () => {
      for await (const raw of execution.eventLogs) {
        const event = raw as unknown as { type: string; timestamp: number; state?: { name: string }; Error?: string; Cause?: unknown };
        events.push({ type: event.type, timestamp: new Date(event.timestamp).toISOString(), ...(event.state ? { state: event.state.name } : {}) });
        if (event.type === 'ExecutionFailed') {
          description.error = event.Error;
          description.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
        }
      }
    })();
    try {
      description.output = await execution.result;
      description.status = 'SUCCEEDED';
    } catch (error) {
      description.status = 'FAILED';
      await consumed.catch(() => undefined);
      description.error ??= (error as Error).name;
      description.cause ??= (error as Error).message;
    }
    await consumed.catch(() => undefined);
    description.stoppedAt = new Date().toISOString();
    description.states = timingsFromEvents(events);
    if (description.status !== 'SUCCEEDED') await this.deliverEnded(description);
  }

  /** The trainer container's job: its environment read as containers/trainer/entrypoint.ts reads it. */
  private async trainerJob(request: SubmitJobRequest): Promise<{ JobId: string; Status: 'SUCCEEDED' }> {
    const env = Object.fromEntries((request.ContainerOverrides?.Environment ?? []).map((e) => [e.Name, e.Value]));
    const yearEnd = env[TRAINER_ENV.snapshotYearEnd];
    const spec: TrainJobSpec = {
      task: env[TRAINER_ENV.task] as TrainJobSpec['task'],
      plan: JSON.parse(env[TRAINER_ENV.plan] ?? 'null') as TrainingPlan,
      ...(yearEnd ? { snapshotYearEnd: yearEnd } : {}),
    };
    try {
      await runTrainJob(spec, { ...this.deps, log: () => undefined });
      return { JobId: `job-${Date.now().toString(36)}`, Status: 'SUCCEEDED' };
    } catch (error) {
      const reason = `mizan-trainer: failed: ${(error as Error).message}`;
      throw new TaskFailedError(JSON.stringify({ Status: 'FAILED', StatusReason: reason, Container: { ExitCode: 1, Reason: reason } }));
    }
  }

  /** The EventBridge rule's delivery to functions/execution-ended, retried as Lambda retries an async invocation. */
  private async deliverEnded(description: ExecutionDescription): Promise<void> {
    const handler = makeExecutionEndedHandler({ registry: this.deps.registry, store: this.deps.store, workflow: this });
    const event = {
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: {
        executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${description.name}`,
        stateMachineArn: STATE_MACHINE_ARN,
        name: description.name,
        status: description.status,
        startDate: Date.parse(description.startedAt),
        stopDate: Date.parse(description.stoppedAt!),
        input: JSON.stringify(description.input),
        error: description.error ?? null,
        cause: description.cause ?? null,
      },
    };
    for (let attempt = 1; attempt <= ASYNC_INVOKE_ATTEMPTS; attempt++) {
      try {
        await handler(event, localLambdaContext('mizan-execution-ended'));
        return;
      } catch {
        // Lambda retries a failed asynchronous invocation; what still fails goes to the dead-letter queue.
      }
    }
  }
}
