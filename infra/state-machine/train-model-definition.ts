/**
 * The `TrainModel` state machine, defined once for both worlds: the CDK stack deploys it to
 * Step Functions, and the local runner renders the same chain to ASL and runs it in-process.
 * JSONPath only (aws-local-stepfunctions runs neither JSONata nor `Assign`).
 *
 * Order: Full or fine-tune? → Train | Fine-tune → Backfill snapshots? → [Backfill snapshots → Score
 * walk-forward] → Decide promotion → Publish? → Record result. Everything that can fail the run comes
 * before "Decide promotion", so a failed run never moves `current` (a failed Hugging Face upload is
 * recorded, not fatal).
 *
 * Full trainings (and snapshots) run on the GPU queue; agent fine-tunes (`plan.mode == 'finetune'`), a few
 * epochs over the last 26 weeks, run on the Fargate CPU queue ("Full or fine-tune?"), and so does
 * "Score walk-forward" (inference only: the snapshots' forecasts scored per year).
 *
 * Execution input (WorkflowInput, src/pipeline/start-training.ts):
 *   { plan: TrainingPlan, skipSnapshot: boolean, publish: boolean, executionName: string }
 * Execution output: the seed response stored by "Record result".
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import {
  DEFAULT_SNAPSHOT_CONCURRENCY,
  LAMBDA_TASK_TIMEOUT_SECONDS,
  STATE,
  TRAINER_ENV,
} from '../../src/ports/train-model.ts';

// The names and defaults live in a CDK-free module (the local runner reads them without aws-cdk-lib).
export { DEFAULT_SNAPSHOT_CONCURRENCY, STATE, TRAINER_ENV };

/** An explicit Lambda task timeout: AWS has none by default, aws-local-stepfunctions 60 s; both run this value. */
export const LAMBDA_TASK_TIMEOUT = Duration.seconds(LAMBDA_TASK_TIMEOUT_SECONDS);

export interface BatchJobRef {
  jobQueueArn: string;
  jobDefinitionArn: string;
}

export interface TrainModelRefs {
  /** The GPU queue and trainer job definition for a full training. */
  trainJob: BatchJobRef;
  /** The CPU queue and trainer job definition: an agent fine-tune, and scoring the walk-forward forecasts. */
  fineTuneJob: BatchJobRef;
  /** Where snapshot years train (may be the same queue and definition). */
  snapshotJob: BatchJobRef;
  functions: {
    decidePromotion: lambda.IFunction;
    publish: lambda.IFunction;
    recordResult: lambda.IFunction;
    recordFailure: lambda.IFunction;
  };
  /** MaxConcurrency of the "Backfill snapshots" Map (default DEFAULT_SNAPSHOT_CONCURRENCY). */
  snapshotConcurrency?: number;
}

/** Transient infrastructure errors: the only ones retried. A failed training job is never retried here
 *  (spot interruptions are retried by the Batch job definition's retryStrategy, on the host's status reason). */
const BATCH_TRANSIENT = ['Batch.AWSBatchException', 'Batch.ServerException', 'Batch.TooManyRequestsException'];
const LAMBDA_TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

function retryTransient(state: sfn.TaskStateBase | sfn.Map, errors: string[]): void {
  state.addRetry({ errors, interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 });
}

function trainerJob(
  scope: Construct,
  id: string,
  job: BatchJobRef & { jobName: string },
  env: Record<string, string>,
  paths: { resultPath: string; outputPath?: string },
): tasks.BatchSubmitJob {
  // Batch job names allow no dots (versions have them): the version travels in MIZAN_PLAN.
  return tasks.BatchSubmitJob.jsonPath(scope, id, {
    jobName: job.jobName,
    jobQueueArn: job.jobQueueArn,
    jobDefinitionArn: job.jobDefinitionArn,
    containerOverrides: { environment: env },
    // No `taskTimeout`: CDK renders it as SubmitJob's `Timeout.AttemptDurationSeconds`, which would replace the
    // job definition's per-attempt limit (trainJobTimeoutHours) for every attempt. The job definition decides.
    resultSelector: { 'JobId.$': '$.JobId', 'Status.$': '$.Status' },
    ...paths,
  });
}

function lambdaStep(scope: Construct, id: string, fn: lambda.IFunction, resultPath: string | undefined): tasks.LambdaInvoke {
  return tasks.LambdaInvoke.jsonPath(scope, id, {
    lambdaFunction: fn,
    // No payload: the whole state goes in and each handler picks what it needs with zod.
    // (`payload: fromJsonPathAt('$')` with payloadResponseOnly renders a literal "$".)
    payloadResponseOnly: true,
    retryOnServiceExceptions: false, // we add our own transient-only retry below
    taskTimeout: sfn.Timeout.duration(LAMBDA_TASK_TIMEOUT),
    resultPath: resultPath ?? sfn.JsonPath.DISCARD,
  });
}

/** Builds the TrainModel chain inside `scope`. Pass `startState` of the result to `DefinitionBody.fromChainable`. */
export function buildTrainModelDefinition(scope: Construct, refs: TrainModelRefs): sfn.Chain {
  const trainEnv = {
    [TRAINER_ENV.task]: 'train', // the trainer reads full or fine-tune from plan.mode
    [TRAINER_ENV.plan]: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.plan')),
  };
  const steps: TrainModelSteps = {
    train: trainerJob(scope, STATE.train, { ...refs.trainJob, jobName: 'mizan-train' }, trainEnv, { resultPath: '$.train' }),
    fineTune: trainerJob(scope, STATE.fineTune, { ...refs.fineTuneJob, jobName: 'mizan-finetune' }, trainEnv, { resultPath: '$.train' }),
    decide: lambdaStep(scope, STATE.decidePromotion, refs.functions.decidePromotion, '$.promotion'),
    publish: lambdaStep(scope, STATE.publish, refs.functions.publish, '$.published'),
    ...snapshotSteps(scope, refs),
    ...recordSteps(scope, refs),
  };
  handleErrors(steps);
  return sfn.Chain.start(branches(scope, steps));
}

interface TrainModelSteps {
  train: tasks.BatchSubmitJob;
  fineTune: tasks.BatchSubmitJob;
  backfill: sfn.Map;
  scoreWalkForward: tasks.BatchSubmitJob;
  decide: tasks.LambdaInvoke;
  publish: tasks.LambdaInvoke;
  recordResult: tasks.LambdaInvoke;
  recordFailure: tasks.LambdaInvoke;
}

/** "Backfill snapshots" (a Map over the plan's year ends) and "Score walk-forward". */
function snapshotSteps(scope: Construct, refs: TrainModelRefs): Pick<TrainModelSteps, 'backfill' | 'scoreWalkForward'> {
  const trainSnapshot = trainerJob(scope, STATE.trainSnapshot, { ...refs.snapshotJob, jobName: 'mizan-train-snapshot' }, {
    [TRAINER_ENV.task]: 'snapshot',
    [TRAINER_ENV.plan]: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.plan')),
    [TRAINER_ENV.snapshotYearEnd]: sfn.JsonPath.stringAt('$.snapshotYearEnd'),
  }, { resultPath: '$.job', outputPath: '$.snapshotYearEnd' }); // each iteration yields its year end
  retryTransient(trainSnapshot, BATCH_TRANSIENT);
  // Inside a Map, `$$.Execution.Input` is the item: the ItemSelector hands each iteration the plan explicitly.
  const backfill = sfn.Map.jsonPath(scope, STATE.backfill, {
    itemsPath: '$.plan.snapshotYearEnds',
    itemSelector: { 'plan.$': '$.plan', 'snapshotYearEnd.$': '$$.Map.Item.Value' },
    maxConcurrency: refs.snapshotConcurrency ?? DEFAULT_SNAPSHOT_CONCURRENCY,
    resultPath: '$.snapshots',
  });
  backfill.itemProcessor(trainSnapshot);
  // The snapshots just backfilled, scored per year (runs/{kind}/{version}/walk-forward.json): before
  // Decide promotion, so a run whose score cannot be made fails like a failed backfill.
  const scoreWalkForward = trainerJob(scope, STATE.scoreWalkForward, { ...refs.fineTuneJob, jobName: 'mizan-walk-forward' }, {
    [TRAINER_ENV.task]: 'walk-forward',
    [TRAINER_ENV.plan]: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.plan')),
  }, { resultPath: '$.walkForward' });
  return { backfill, scoreWalkForward };
}

/** "Record result" (its response is the execution's output), and "Record failure" → "Training failed". */
function recordSteps(scope: Construct, refs: TrainModelRefs): Pick<TrainModelSteps, 'recordResult' | 'recordFailure'> {
  const recordResult = tasks.LambdaInvoke.jsonPath(scope, STATE.recordResult, {
    lambdaFunction: refs.functions.recordResult,
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    taskTimeout: sfn.Timeout.duration(LAMBDA_TASK_TIMEOUT),
    resultPath: '$.response',
    outputPath: '$.response',
  });
  const recordFailure = lambdaStep(scope, STATE.recordFailure, refs.functions.recordFailure, undefined);
  const failed = sfn.Fail.jsonPath(scope, STATE.failed, { errorPath: '$.error.Error', causePath: '$.error.Cause' });
  recordFailure.next(failed);
  return { recordResult, recordFailure };
}

/** Transient errors retried; any other failure of a step before the result goes to "Record failure". */
function handleErrors(steps: TrainModelSteps): void {
  const { train, fineTune, backfill, scoreWalkForward, decide, publish, recordResult, recordFailure } = steps;
  for (const state of [train, fineTune, scoreWalkForward]) retryTransient(state, BATCH_TRANSIENT);
  for (const state of [decide, publish, recordResult, recordFailure]) retryTransient(state, LAMBDA_TRANSIENT);
  for (const state of [train, fineTune, backfill, scoreWalkForward, decide, recordResult]) {
    state.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
  }
  // A failed upload does not undo a trained, promoted model: the result records the error instead.
  publish.addCatch(recordResult, { errors: [sfn.Errors.ALL], resultPath: '$.publishError' });
}

/** The three choices, chained: "Full or fine-tune?" (the start), "Backfill snapshots?", "Publish?". */
function branches(scope: Construct, steps: TrainModelSteps): sfn.Choice {
  const { train, fineTune, backfill, scoreWalkForward, decide, publish, recordResult } = steps;
  // Everything that can fail the run comes before "Decide promotion": a failed run never moves `current`.
  // The condition is in the definition (not only in the publish function) so the console shows why
  // Publish was skipped: no publisher configured. Every trained version is published (its own branch);
  // the publish function moves `main` only for a promoted one.
  const shouldPublish = sfn.Choice.jsonPath(scope, STATE.shouldPublish, {
    comment: 'Every trained version is published to its own branch (main only when promoted), when a publisher is configured',
  })
    .when(sfn.Condition.booleanEquals('$.publish', true), publish.next(recordResult))
    .otherwise(recordResult);
  decide.next(shouldPublish);

  const shouldBackfill = sfn.Choice.jsonPath(scope, STATE.shouldBackfill, {
    comment: 'Forecasters backfill their yearly snapshots (then score them walk-forward) unless skip_snapshot; agents have none',
  })
    .when(
      sfn.Condition.and(
        sfn.Condition.booleanEquals('$.skipSnapshot', false),
        sfn.Condition.isPresent('$.plan.snapshotYearEnds[0]'),
      ),
      backfill.next(scoreWalkForward).next(decide),
    )
    .otherwise(decide);

  return sfn.Choice.jsonPath(scope, STATE.fullOrFineTune, {
    comment: 'Full trainings run on the GPU queue; agent fine-tunes (few epochs, last 26 weeks) on the CPU queue',
  })
    .when(sfn.Condition.stringEquals('$.plan.mode', 'finetune'), fineTune.next(shouldBackfill))
    .otherwise(train.next(shouldBackfill));
}
