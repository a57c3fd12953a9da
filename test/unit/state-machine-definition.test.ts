import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { localTrainModelDefinition } from '../../src/adapters/local-workflow/local-definition.ts';
import { PLACEHOLDER_ARNS, renderTrainModelAsl, resolveIntrinsics, type Json } from '../../infra/state-machine/render-asl.ts';
import { formatAsl, RENDER_COMMAND, TRAIN_MODEL_ASL_FILE } from '../../src/adapters/local-workflow/train-model-asl.ts';
import { buildTrainModelDefinition, DEFAULT_SNAPSHOT_CONCURRENCY, STATE } from '../../infra/state-machine/train-model-definition.ts';

type JsonObject = { [key: string]: Json };

// asl-validator ships no type declarations.
const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText: () => string };

/** Synthesises a stack that deploys TrainModel the way the CDK app does, and returns its definition. */
function deployedDefinition(): JsonObject {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Deployed');
  const param = (id: string) => new CfnParameter(stack, id).valueAsString;
  const fn = (id: string) => new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
  const chain = buildTrainModelDefinition(stack, {
    trainJob: { jobQueueArn: param('GpuQueue'), jobDefinitionArn: param('TrainerJob') },
    fineTuneJob: { jobQueueArn: param('CpuQueue'), jobDefinitionArn: param('FineTuneJob') },
    snapshotJob: { jobQueueArn: param('SnapshotQueue'), jobDefinitionArn: param('SnapshotJob') },
    functions: { decidePromotion: fn('Decide'), publish: fn('Publish'), recordResult: fn('RecordResult'), recordFailure: fn('RecordFailure') },
    snapshotConcurrency: DEFAULT_SNAPSHOT_CONCURRENCY,
  });
  new sfn.StateMachine(stack, 'TrainModel', { definitionBody: sfn.DefinitionBody.fromChainable(chain), queryLanguage: sfn.QueryLanguage.JSON_PATH });
  const template = app.synth().getStackByName('Deployed').template as { Resources: Record<string, { Type: string; Properties: JsonObject }> };
  const machine = Object.values(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  const text = resolveIntrinsics(machine!.Properties.DefinitionString, () => '<ARN>') as string;
  return JSON.parse(text) as JsonObject;
}

/** Every placeholder ARN of the local render replaced by the marker the deployed side uses. */
function arnsAside(value: Json): Json {
  const placeholders = new Set<string>(Object.values(PLACEHOLDER_ARNS));
  const walk = (v: Json): Json => {
    if (typeof v === 'string') return placeholders.has(v) ? '<ARN>' : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

describe('the TrainModel state machine', () => {
  it('runs locally exactly the definition that is deployed, ARNs aside', () => {
    // Prepare
    const deployed = deployedDefinition();
    // Act
    const local = renderTrainModelAsl();
    // Assess
    expect(arnsAside(local)).toEqual(deployed);
  });

  it('is committed as train-model.asl.json exactly as CDK renders it (the local runner reads that file, not CDK)', () => {
    // Act
    const committed = readFileSync(TRAIN_MODEL_ASL_FILE, 'utf8');
    // Assess
    expect(committed === formatAsl(renderTrainModelAsl()), `${TRAIN_MODEL_ASL_FILE} is stale: run \`${RENDER_COMMAND}\` and commit it`).toBe(true);
  });

  it('runs locally the committed definition, with the snapshot concurrency the runner asks for', () => {
    const capped = localTrainModelDefinition({ snapshotConcurrency: 2 }) as { States: Record<string, JsonObject> };
    const plain = localTrainModelDefinition() as { States: Record<string, JsonObject> };
    expect(capped.States[STATE.backfill].MaxConcurrency).toBe(2);
    expect(plain.States[STATE.backfill].MaxConcurrency).toBe(DEFAULT_SNAPSHOT_CONCURRENCY);
    expect(Object.keys(plain.States)).toEqual(Object.keys((renderTrainModelAsl() as { States: JsonObject }).States));
  });

  it('is accepted by asl-validator, both as rendered and as the local runner runs it', () => {
    for (const definition of [renderTrainModelAsl(), localTrainModelDefinition()]) {
      const { isValid, errorsText } = aslValidator(structuredClone(definition)); // it mutates its argument
      expect(isValid, errorsText()).toBe(true);
    }
  });

  it('reads as a person expects: named states, transient-only retries, every failure to Record failure', () => {
    const asl = renderTrainModelAsl() as { StartAt: string; States: Record<string, JsonObject> };
    expect(asl.StartAt).toBe(STATE.fullOrFineTune);
    expect(Object.keys(asl.States).sort()).toEqual(
      [STATE.fullOrFineTune, STATE.train, STATE.fineTune, STATE.decidePromotion, STATE.shouldPublish, STATE.publish, STATE.shouldBackfill, STATE.backfill, STATE.scoreWalkForward, STATE.recordResult, STATE.recordFailure, STATE.failed].sort(),
    );
    for (const name of [STATE.train, STATE.fineTune, STATE.decidePromotion, STATE.backfill, STATE.scoreWalkForward, STATE.recordResult]) {
      expect((asl.States[name].Catch as JsonObject[])[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: STATE.recordFailure });
    }
    // A failed upload is recorded in the result; it does not fail a trained, promoted model.
    expect((asl.States[STATE.publish].Catch as JsonObject[])[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: STATE.recordResult, ResultPath: '$.publishError' });
    const retried = Object.values(asl.States).flatMap((s) => ((s.Retry as JsonObject[] | undefined) ?? []).flatMap((r) => r.ErrorEquals as string[]));
    expect(retried.length).toBeGreaterThan(0);
    expect(retried).not.toContain('States.ALL');
    expect(retried).not.toContain('States.TaskFailed');
    expect(asl.States[STATE.backfill]).toMatchObject({ ItemsPath: '$.plan.snapshotYearEnds', MaxConcurrency: DEFAULT_SNAPSHOT_CONCURRENCY });
    expect(asl.States[STATE.train].Resource).toBe('arn:aws:states:::batch:submitJob.sync');
    expect(asl.States[STATE.fineTune].Resource).toBe('arn:aws:states:::batch:submitJob.sync');
    expect((asl.States[STATE.fineTune].Retry as JsonObject[])[0]!.ErrorEquals).toEqual((asl.States[STATE.train].Retry as JsonObject[])[0]!.ErrorEquals);
  });

  it('sends full trainings to the GPU queue and fine-tunes to the CPU queue, both then to the snapshot backfill choice', () => {
    // Act
    const asl = renderTrainModelAsl() as { States: Record<string, JsonObject> };
    const choice = asl.States[STATE.fullOrFineTune]!;
    const parameters = (name: string) => asl.States[name]!.Parameters as JsonObject;
    // Assess
    expect(choice).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.plan.mode', StringEquals: 'finetune', Next: STATE.fineTune }],
      Default: STATE.train,
    });
    expect(parameters(STATE.train)).toMatchObject({ JobQueue: PLACEHOLDER_ARNS.trainQueue, JobDefinition: PLACEHOLDER_ARNS.trainJobDefinition });
    expect(parameters(STATE.fineTune)).toMatchObject({ JobQueue: PLACEHOLDER_ARNS.fineTuneQueue, JobDefinition: PLACEHOLDER_ARNS.fineTuneJobDefinition });
    expect(asl.States[STATE.train]!.Next).toBe(STATE.shouldBackfill);
    expect(asl.States[STATE.fineTune]!.Next).toBe(STATE.shouldBackfill);
  });

  it('scores the backfilled snapshots on the CPU queue, between the backfill and Decide promotion', () => {
    // Act
    const asl = renderTrainModelAsl() as { States: Record<string, JsonObject> };
    const score = asl.States[STATE.scoreWalkForward]!;
    const parameters = score.Parameters as JsonObject;
    // Assess
    expect(asl.States[STATE.backfill]!.Next).toBe(STATE.scoreWalkForward);
    expect(score).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Next: STATE.decidePromotion });
    expect(parameters).toMatchObject({ JobQueue: PLACEHOLDER_ARNS.fineTuneQueue, JobDefinition: PLACEHOLDER_ARNS.fineTuneJobDefinition });
    expect((parameters.ContainerOverrides as JsonObject).Environment).toEqual([
      { Name: 'MIZAN_TASK', Value: 'walk-forward' },
      { Name: 'MIZAN_PLAN', 'Value.$': 'States.JsonToString($.plan)' },
    ]);
  });

  it('publishes every trained version when a publisher is configured, with the reason in the definition a person reads', () => {
    // Act
    const asl = renderTrainModelAsl() as { States: Record<string, JsonObject> };
    const choice = asl.States[STATE.shouldPublish]!;
    // Assess
    expect(choice.Choices).toEqual([{ Variable: '$.publish', BooleanEquals: true, Next: STATE.publish }]);
    expect(choice.Default).toBe(STATE.recordResult);
    expect(choice.Comment).toMatch(/main only when promoted/);
  });

  it('gives every Task of the local copy an explicit timeout (aws-local-stepfunctions would stop it after 60 s)', () => {
    const local = localTrainModelDefinition() as { States: Record<string, JsonObject> };
    const snapshotTask = ((local.States[STATE.backfill].ItemProcessor as JsonObject).States as Record<string, JsonObject>)[STATE.trainSnapshot];
    for (const task of [local.States[STATE.train], local.States[STATE.fineTune], snapshotTask, local.States[STATE.scoreWalkForward], local.States[STATE.decidePromotion]]) {
      expect(task.TimeoutSeconds).toBeGreaterThanOrEqual(900);
    }
  });
});
